x = 100
x += 5; print(x)
x -= 15; print(x)
x *= 3; print(x)
x //= 7; print(x)
x %= 17; print(x)
x **= 3; print(x)
x <<= 2; print(x)
x >>= 1; print(x)
x &= 0xF0; print(x)
x |= 0x0F; print(x)
x ^= 0xFF; print(x)
lst = [1, 2, 3]
lst[1] += 40
print(lst)
