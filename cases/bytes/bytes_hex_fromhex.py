# requires: bytes-hex
b = bytes([0, 1, 15, 16, 127, 128, 255])
print(b.hex())
print(bytes.fromhex('deadbeef'), bytes.fromhex('00ff10'))
print(bytes.fromhex(b.hex()) == b)
print(bytearray(b'\x12\x34').hex(), b'\x00'.hex())
