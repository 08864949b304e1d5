# requires: bigint
d = {2 ** 70: 'a', 2 ** 80: 'b', 5: 'c'}
print(d[2 ** 70], d[1 << 80], d[5])
print(hash(2 ** 70) == hash(1 << 70))
s = {2 ** 64, 2 ** 64, 3 ** 40, 3 ** 40}
print(len(s), sorted(s))
print((2 ** 64) in s, (2 ** 64 + 1) in s)
print(hash(7) == hash(2 ** 70 - 2 ** 70 + 7))
