# heap: 16384
squares = [i * i for i in range(300)]
print(len(squares), squares[-1], sum(squares))
evens = {i for i in range(300) if i % 2 == 0}
print(len(evens), min(evens), max(evens))
table = {i: str(i) for i in range(100)}
print(len(table), table[42], sum(len(v) for v in table.values()))
print(sum(x for x in range(1000)))
