a, b, c = [1, 2, 3]
print(a, b, c)
first, *rest = [10, 20, 30, 40]
print(first, rest)
*init, last = 'hello'
print(init, last)
x, *mid, y = range(6)
print(x, mid, y)
p, *q = [1]
print(p, q)
(m, n), o = [5, 6], 7
print(m, n, o)
try:
    a, b = [1, 2, 3]
except ValueError as e:
    print(type(e).__name__)
