a = list(range(8))
a[2:4] = ['x', 'y', 'z']
print(a)
a[:1] = []
print(a)
a[len(a):] = [100, 101]
print(a)
a[1:1] = ['A', 'B']
print(a)
a[:] = (7, 8)
print(a)
a[5:] = [9]
print(a)
b = [1, 2, 3]
b[-1:] = [4, 5, 6]
print(b)
