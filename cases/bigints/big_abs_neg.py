# requires: bigint
x = -(3 ** 60)
print(x, abs(x), -x, +x)
print(abs(x) == 3 ** 60, -abs(x) == x)
print(x * x == 3 ** 120, x ** 3 < 0)
print(int(str(x)) == x, str(abs(x))[:10])
print(x // -1 == -x, x % 1)
