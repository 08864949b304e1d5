t = 1, 2, 3
a, b, c = t
print(t, a + b + c)
a, b = b, a
print(a, b)
x, (y, z) = 0, (1, 2)
print(x, y, z)
def multi():
    return 'q', 7
name, num = multi()
print(name, num, multi())
for i, (k, v) in enumerate([('a', 1), ('b', 2)]):
    print(i, k, v)
head, *tail = (9, 8, 7)
print(head, tail, type(tail).__name__)
