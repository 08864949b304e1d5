a = list(range(10))
try:
    a[::2] = ['a', 'b', 'c', 'd', 'e']
    print(a)
except NotImplementedError as e:
    print(type(e).__name__)
b = list(range(10))
try:
    del b[::3]
    print(b)
except NotImplementedError as e:
    print(type(e).__name__)
c = list(range(6))
try:
    c[::-1] = [0, 1, 2, 3, 4, 5]
    print(c)
except NotImplementedError as e:
    print(type(e).__name__)
