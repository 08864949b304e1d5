line = b'  key1=val1; key2=val2 ;key3=  '
print(line.strip(), line.split(b';'))
print([p.strip() for p in line.split(b';')])
print(b'-'.join([b'a', b'b', b'c']), b''.join([b'x', bytearray(b'y')]))
print(b'a b  c'.split(), b'x,y,z'.rsplit(b',', 1))
print(b'xxabcxx'.strip(b'x'), b'abc'.lstrip(b'a'), b'abc'.rstrip(b'c'))
print(b'A1 b2'.lower(), b'abc'.isalpha(), b'123'.isdigit())
