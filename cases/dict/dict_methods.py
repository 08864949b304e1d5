d = {'a': 1, 'b': 2}
d['c'] = 3
print(sorted(d.items()), len(d))
print(d.get('a'), d.get('z'), d.get('z', 0))
print(d.setdefault('a', 100), d.setdefault('q', 7), sorted(d))
print(d.pop('b'), d.pop('b', 'gone'), sorted(d.items()))
d.update({'a': 10, 'n': 5})
d.update(m=6)
d.update([('p', 8)])
print(sorted(d.items()))
print(sorted(d.keys()), sorted(d.values()))
d.clear()
print(d, len(d))
