b = b'hello'
print(b, len(b), b[0], b[-1], b[1:3])
print(list(b), bytes([104, 105]), bytes(3), bytes(b'xy'))
print(b + b' world', b * 2, b'ab' == b'ab', b'ab' < b'b')
print(b'ell' in b, 104 in b, 120 in b)
print(b.upper(), b.find(b'l'), b.rfind(b'l'), b.count(b'l'))
print(b.replace(b'l', b'L'), b.split(b'l'), b.startswith(b'he'))
