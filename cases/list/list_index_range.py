a = [5, 3, 5, 8, 5, 1]
print(a.index(5), a.index(5, 1), a.index(5, 3), a.index(8, 0, 4))
try:
    a.index(5, 5)
except ValueError as e:
    print(type(e).__name__)
print(a.count(5), [i for i, v in enumerate(a) if v == 5])
print(sum(a), max(a), min(a), sorted(set(a)))
