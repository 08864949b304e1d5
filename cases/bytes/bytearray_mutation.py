ba = bytearray(b'abcdef')
ba[0] = 65
ba[-1] = ord('F')
print(ba, len(ba))
ba.append(33)
ba.extend(b'xyz')
ba.extend(bytearray(b'12'))
print(ba, len(ba))
for i in range(len(ba)):
    if 97 <= ba[i] <= 122:
        ba[i] -= 32
print(ba)
print(bytes(ba), ba.decode(), ba[3], ba[1:4])
b2 = ba
b2[1] = 0x2D
print(ba[:3], b2 is ba)
