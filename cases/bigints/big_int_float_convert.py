# requires: bigint double
print(float(2 ** 60), float(2 ** 53 + 1), float(-(10 ** 20)))
print(int(1e20), int(-2.5e18), int(2.0 ** 70))
print(2 ** 60 / 2 ** 58, (10 ** 20) / 4)
print(float(2 ** 64) == 2.0 ** 64, float(3 ** 30))
