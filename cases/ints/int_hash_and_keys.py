d = {}
for k in (1, 2, 3, 1000, -5, 0):
    d[k] = k * k
print(sorted(d.items()))
print(hash(5) == hash(5), hash(0) == 0, hash(123) == 123)
print(1 in d, 7 in d, -5 in d)
print(d[True], d.get(False))
s = {3, 1, 2, 3, 1}
print(sorted(s), len(s))
