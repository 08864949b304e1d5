b = b'0123456789'
print(b[3:6], b[:4], b[-2:], b[1:-1], b[8:100])
t = tuple('abcdefg')
print(t[1:4], t[-3:-1], t[5:], t[:0])
ba = bytearray(b'abcdef')
print(ba[1:3], ba[4:], type(ba[1:2]).__name__, type(b[1:2]).__name__)
