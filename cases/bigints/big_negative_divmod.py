# requires: bigint
a = 10 ** 25 + 7
for x, y in ((a, 3), (-a, 3), (a, -3), (-a, -3), (a, 10 ** 12), (-a, 10 ** 12)):
    q, r = divmod(x, y)
    print(q, r, q * y + r == x)
print(-(10 ** 20) // 10 ** 19, (-(10 ** 20) - 1) // 10 ** 19)
