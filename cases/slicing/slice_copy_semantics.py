a = [[1], [2], [3]]
b = a[:]
b[0] = 'new'
b[1].append(20)
print(a, b)
c = a[::-1]
print(c, c[0] is a[2])
s = 'immutable'
print(s[:] == s, s[0:len(s)] == s)
t = (1, 2, 3)
print(t[:] == t, t[1:] + t[:1])
