# requires: bigint
big = 2 ** 62
small = 12345
print(big > small, small < big, big == small, big != small)
print(-big < small, -big < -small)
print(2 ** 40 == 1099511627776, (2 ** 40 - 2 ** 40) == 0)
vals = [2 ** 65, -3, 2 ** 31, 0, -(2 ** 70), 7, 2 ** 30]
print(sorted(vals))
print(max(vals), min(vals))
x = 2 ** 64 - 2 ** 64 + 5
print(x, x == 5, type(x).__name__)
print((2 ** 100) // (2 ** 98), 2 ** 100 > 2 ** 99)
