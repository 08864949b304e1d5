data = b'Bytecode'
total = 0
for x in data:
    total = (total * 31 + x) & 0xFFFF
print(total)
print([x for x in data if x > 100])
print(bytes(x ^ 0x20 for x in data))
out = bytearray()
for x in reversed(data):
    out.append(x)
print(out, bytes(sorted(data)))
print(max(data), min(data), data.index(b'c'))
