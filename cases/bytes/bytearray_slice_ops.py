# requires: slice-assign
ba = bytearray(range(10))
print(ba[2:5], ba[:2], ba[-3:])
ba[0:2] = bytearray(b'\xaa\xbb\xcc')
print(ba, len(ba))
ba[1:3] = b''
print(ba)
ba[3:3] = b'\x01\x02'
print(ba)
ba[-2:] = b'ZZZ'
print(ba, len(ba))
print(ba.find(b'\x01\x02'), ba.count(b'\x01'), bytes(ba[:2]) * 2)
