a, b, c = 'xyz'
print(a, b, c)
(p, q), r = (1, 2), 3
print(p, q, r)
first, *middle, last = range(7)
print(first, middle, last)
for x, (y, z) in [(1, (2, 3)), (4, (5, 6))]:
    print(x + y + z)
k, v = next(iter({'only': 'one'}.items()))
print(k, v)
try:
    a, b = iter([1])
except ValueError as e:
    print(type(e).__name__)
try:
    a, b = 'abc'
except ValueError as e:
    print(type(e).__name__)
