a = list(range(10))
print(a[::2], a[1::2], a[::3], a[::-1], a[::-2])
print(a[8:2:-1], a[8:2:-3], a[2:8:-1], a[-1:-4:-1], a[:3:-2])
s = list('abcdefghij')
print(s[::2], s[::-1], s[7:1:-2], s[-2::-3])
try:
    a[::0]
except ValueError as e:
    print(type(e).__name__)
