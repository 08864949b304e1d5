hi = 0x3FFFFFFF  # largest 31-bit small int
lo = -hi - 1
print(hi, lo)
print(hi - 1, lo + 1)
print(hi + lo, -(lo + 1))
print(hi // 2, lo // 2, hi % 1000, lo % 1000)
print(hi // 7, lo // 7, hi % 7, lo % 7)
print(hi >> 15, lo >> 15, hi & 0xFFFF, lo & 0xFFFF)
print(hi == 1073741823, lo == -1073741823 - 1)
print(hi > lo, hi - hi, lo - lo)
print(hex(hi), hex(lo), bin(hi)[:8])
