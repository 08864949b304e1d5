a = 0b1100101
b = 0b0110110
print(a & b, a | b, a ^ b)
print(bin(a & b), bin(a | b), bin(a ^ b))
print(~a, ~b, ~0, ~-1)
print(-a & 0xFF, -b | 0x0F, -a ^ -b)
print(a & -1, a | 0, a ^ a)
print(0x7FFF & 0x0F0F, 0x1234 | 0x4321, 0xFFFF ^ 0x00FF)
