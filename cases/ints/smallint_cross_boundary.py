# requires: bigint
hi = 0x3FFFFFFF
lo = -hi - 1
print(hi + 1, lo - 1)
print(hi * 2, lo * 2, hi * hi)
print(2 ** 30, 2 ** 31, 2 ** 31 - 1, -2 ** 31)
print(1 << 30, 1 << 31, 1 << 32)
print((hi + 1) - 1 == hi, (lo - 1) + 1 == lo)
print(-lo, abs(lo), -lo - 1 == hi)
x = hi
x += 1
print(x, type(x).__name__, x - 1)
print(2 ** 31 // 3, 2 ** 31 % 3, -(2 ** 31) // 3)
