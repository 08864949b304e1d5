# requires: memoryview
ba = bytearray(b'0123456789')
mv = memoryview(ba)
print(len(mv), mv[0], mv[-1], bytes(mv[2:5]))
mv[0] = 65
print(ba)
sub = mv[5:8]
sub[0] = 66
print(ba, bytes(sub), len(sub))
print(bytes(memoryview(b'readonly')[4:]))
