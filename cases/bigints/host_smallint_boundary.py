# requires: bigint
hi = 2 ** 62 - 1
lo = -(2 ** 62)
print(hi, lo)
print(hi + 1, lo - 1, hi * 2 + 1)
print((hi + 1) - 1 == hi, (lo - 1) + 1 == lo, -lo - 1 == hi)
print(2 ** 63, 2 ** 63 - 1, -(2 ** 63), 2 ** 64 - 1)
x = 3037000499
print(x * x, (x + 1) * (x + 1))
print(hi // 3, hi % 1000, lo // 7, lo % 7)
print(hi >> 31, lo >> 61, (1 << 62) >> 62, hex(hi), hex(lo))
