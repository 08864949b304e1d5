# requires: bigint
a = 123456789012345678901234567890
b = 987654321098765432109876543210
print(a + b, b - a, a - b)
print(a + 1, a - a, -a - b)
c = 10 ** 30
print(c - 1, c + c, -c + 1)
print(a + 5 - 5 == a, (a + b) - b == a)
