a = 32767
b = 32768
print(a * b, a * a + a + (b - 1))
print(-a * b, (-b) * b // 2)
c = 0x3FFFFFFF
print(c // 3 * 3, c - c % 1000, c // -1 == -c)
print(46340 * 23170, 1024 * 1048575)
x = 1
steps = 0
while x <= 0x3FFFFFFF // 3:
    x *= 3
    steps += 1
print(x, steps)
print(0x1FFFFFFF + 0x1FFFFFFF + 1 == c, -(c // 2) * 2 - 2)
