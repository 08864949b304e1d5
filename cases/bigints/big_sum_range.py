# requires: bigint
base = 2 ** 40
print(sum(base + i for i in range(100)))
print(sum(2 ** i for i in range(64)) == 2 ** 64 - 1)
print(max(2 ** 50, 2 ** 49 * 3), min(-(2 ** 50), -7))
print([2 ** 40 + i for i in range(3)])
print(sum(2 ** 35 for _ in range(4)) == 2 ** 37)
