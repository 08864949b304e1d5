a = list(range(12))
del a[3:6]
print(a)
del a[-2:]
print(a)
del a[:2]
print(a)
del a[100:]
print(a)
del a[:]
print(a, len(a))
