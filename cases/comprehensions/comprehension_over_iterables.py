d = {'b': 2, 'a': 1, 'c': 3}
print(sorted(k + str(v) for k, v in d.items()))
print([c for c in b'AZ'])
print([p for p in zip('ab', 'xy')])
print([i * c for i, c in enumerate('abc')])
print([line.strip() for line in ' l1 \n l2'.split('\n')])
print([x for x in reversed(range(4))], [t for t in (1, 2)])
