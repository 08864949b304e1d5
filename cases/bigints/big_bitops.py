# requires: bigint
a = (1 << 90) | (1 << 45) | 0xFF
b = (1 << 80) | (1 << 45) | 0xF0F
print(a & b, a | b, a ^ b)
print(a >> 40, b >> 70, a >> 200)
print((a << 13) >> 13 == a)
print(~a, -a & 0xFFFF, -(1 << 70) >> 3)
print(hex(a ^ b), hex(a & ~b))
print(bin((1 << 65) - 1).count('1'))
