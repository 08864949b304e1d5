for n in (0, 7, -7, 10, 255, -1000, 123456789, -987654321):
    s = str(n)
    print(s, len(s), int(s) == n, repr(n) == s)
print(str(0x3FFFFFFF), str(-0x3FFFFFFF - 1))
print(hex(255), hex(-255), oct(8), oct(-8), bin(5), bin(-5))
print(hex(0), oct(0), bin(0))
