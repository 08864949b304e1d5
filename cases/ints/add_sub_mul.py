a = 17
b = -5
print(a + b, a - b, b - a)
print(a * b, b * b, -a * -b)
print(0 * a, a * 0, a * 1)
c = 12345
print(c * 3 + 7, c - 12346, -c + c)
x = 0
for i in range(1, 11):
    x = x * 3 + i
print(x)
print(1000 * 1000, -1000 * 1000)
