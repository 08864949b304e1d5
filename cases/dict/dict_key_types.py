d = {1: 'int', 'one': 'str', (1, 2): 'tuple', None: 'none', True: 'bool?', b'b': 'bytes'}
print(d[1], d['one'], d[(1, 2)], d[None], d[b'b'], len(d))
print(d[True] == d[1])
d[(2, 1)] = 'other tuple'
print(d[2, 1], d[1, 2])
print(sorted(str(k) for k in d))
