print(bytearray(), bytearray(4), bytearray(b'ab'), bytearray([1, 2, 3]))
print(bytearray('hi', 'utf-8'), bytearray(range(65, 70)))
ba = bytearray(8)
for i in range(8):
    ba[i] = i * i
print(ba, list(ba), sum(ba))
print(bytearray(b'xy') == b'xy', b'xy' == bytearray(b'xy'), bytearray(b'a') + b'b')
