# requires: bigint
a, b = 0, 1
for i in range(200):
    a, b = b, a + b
print(a)
print(len(str(a)), a % 1000000)
a, b = 0, 1
for i in range(95):
    a, b = b, a + b
print(a, a > 2 ** 63)
