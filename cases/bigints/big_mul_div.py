# requires: bigint
a = 12345678901234567890
b = 98765432109876543210
p = a * b
print(p)
print(p // a == b, p % a, p // b == a)
print(p // 7, p % 7, -p // 7, -p % 7)
print(divmod(p, 10 ** 20))
print(divmod(-p, 10 ** 20))
print(a * -1, -a * -b == p)
