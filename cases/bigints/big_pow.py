# requires: bigint
print(2 ** 64, 2 ** 100)
print(3 ** 50, (-3) ** 51)
print(10 ** 40)
print(7 ** 77)
x = 1
for _ in range(70):
    x *= 2
print(x, x == 2 ** 70, x == 1 << 70)
