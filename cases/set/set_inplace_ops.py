s = set(range(10))
s &= {1, 2, 3, 4, 5, 11}
print(sorted(s))
s |= {20, 21}
print(sorted(s))
s -= {1, 20}
print(sorted(s))
s ^= {2, 30}
print(sorted(s))
t = set('abcdef')
t.intersection_update('bcdxyz')
print(sorted(t))
t.difference_update('c')
print(sorted(t))
t.symmetric_difference_update('dq')
print(sorted(t))
