# requires: bigint
s = '31415926535897932384626433832795028841971693993751'
n = int(s)
print(n, str(n) == s, len(str(n)))
print(int('-' + s) == -n)
print(int('1' + '0' * 40) == 10 ** 40)
print(int('ffffffffffffffffffffffff', 16))
print(int('1' * 70, 2))
print(hex(2 ** 80), oct(2 ** 40), bin(2 ** 33))
print(hex(-(2 ** 64)))
print(repr(2 ** 70))
