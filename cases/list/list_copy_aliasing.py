a = [1, [2, 3], 4]
b = a
c = a[:]
d = list(a)
e = a.copy()
a.append(5)
a[1].append(99)
print(a)
print(b, c, d, e)
print(a is b, a is c, c == d, d == e, c[1] is a[1])
f = [[0] * 3 for _ in range(3)]
g = [[0] * 3] * 3
f[0][0] = 1
g[0][0] = 1
print(f)
print(g)
