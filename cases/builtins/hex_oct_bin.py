for n in (0, 1, 7, 8, 15, 16, 255, 256, 4095, -1, -255):
    print(n, hex(n), oct(n), bin(n))
print(int(hex(12345), 16), int(oct(12345), 8), int(bin(12345), 2))
