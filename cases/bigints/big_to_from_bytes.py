# requires: bigint
n = 0x0102030405060708090A0B0C
b = n.to_bytes(12, 'big')
print(b)
print(n.to_bytes(16, 'little'))
print(int.from_bytes(b, 'big') == n)
print(int.from_bytes(b, 'little'))
print(int.from_bytes(b'\xff' * 10, 'big'))
print((2 ** 64 - 1).to_bytes(8, 'big'))
print(int.from_bytes(bytes(range(1, 17)), 'little'))
