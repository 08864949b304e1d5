# requires: bigint
print(pow(3, 4, 5), pow(2, 10, 1000), pow(7, 2, 1))
print(pow(10, 9, 7), pow(12345, 678, 1000))
for base in (2, 3, 5):
    print(base, [pow(base, e, 11) for e in range(6)])
