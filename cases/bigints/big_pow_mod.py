# requires: bigint
print(pow(2, 100, 1000000007))
print(pow(3, 1000, 10 ** 9))
print(pow(123456789, 987654321, 1000000007))
print(pow(2 ** 70, 3, 10 ** 12))
print(pow(7, 0, 13), pow(0, 5, 7), pow(10, 10, 1))
m = 2 ** 61 - 1
print(pow(5, m - 1, m))
