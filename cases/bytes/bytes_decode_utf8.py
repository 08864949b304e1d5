# requires: unicode
raw = b'\xe2\x82\xac\xc3\xa9A'
s = raw.decode('utf-8')
print(len(raw), len(s), [ord(c) for c in s])
print(s.encode('utf-8') == raw)
print(bytes('\u00e9', 'utf-8'), '\u20ac'.encode())
print(b'plain'.decode(), str(b'plain', 'ascii'))
