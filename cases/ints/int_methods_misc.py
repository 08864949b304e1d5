n = 42
print(max(3, -3), min(3, -3), abs(-3))
print(round(7), round(-7), round(0))
print(isinstance(n, int), type(n) is int, int is type(7))
print(int(n), int(-n) + n)
print(sorted([5, -2, 9, 0, -7]))
print(n.to_bytes(2, 'big'), (258).to_bytes(2, 'little'))
print(int.from_bytes(b'\x01\x02', 'big'), int.from_bytes(b'\x01\x02', 'little'))
