s = 'abc'
b = s.encode()
print(b, type(b).__name__, len(b))
print(b.decode(), b.decode('utf-8') == s, str(b, 'utf-8'))
print(bytes('xyz', 'utf-8'), 'xyz'.encode('ascii'), bytearray('q', 'utf-8'))
msg = 'Hello, bytes!'
enc = msg.encode()
print(len(enc) == len(msg), enc[0], enc[-1], enc.decode() == msg)
print([c for c in 'AZ'.encode()], b'\x41\x42'.decode())
