a = list(range(10))
del a[0]
del a[-1]
print(a)
del a[2:4]
print(a)
del a[1]
print(a)
a[1] = 'x'
a[-1] = 'y'
print(a)
for bad in (10, -10):
    try:
        a[bad]
    except IndexError as e:
        print(bad, type(e).__name__)
try:
    [].pop()
except IndexError as e:
    print(type(e).__name__)
try:
    a.remove('zzz')
except ValueError as e:
    print(type(e).__name__)
