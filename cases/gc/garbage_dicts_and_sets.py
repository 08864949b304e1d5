acc = 0
for i in range(400):
    d = {'a': i, 'b': i * 2, 'c': str(i)}
    s = {i, i + 1, i + 2}
    acc += d['b'] + len(d['c']) + len(s)
print(acc)
print(sorted(d.items()), sorted(s))
final = {}
for i in range(60):
    final[i % 7] = final.get(i % 7, 0) + i
print(sorted(final.items()))
