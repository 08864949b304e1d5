data = [5, 3, 5, 1, 3, 9, 1, 5]
uniq = set(data)
print(sorted(uniq), len(uniq))
seen = set()
ordered = []
for x in data:
    if x not in seen:
        seen.add(x)
        ordered.append(x)
print(ordered)
print(sorted(set('mississippi')), len(set('mississippi')))
print(3 in uniq, 4 in uniq, sorted({x % 4 for x in range(20)}))
print(set() == set([]), len(set()), bool(set()), bool({0}))
