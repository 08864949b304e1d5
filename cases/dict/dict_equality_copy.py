a = {'x': [1, 2], 'y': 3}
b = a.copy()
c = dict(a)
b['y'] = 4
a['x'].append(9)
print(sorted(a.items()), sorted(b.items()), sorted(c.items()))
print(a == c, a == b, {1: 'a', 2: 'b'} == {2: 'b', 1: 'a'})
print({} == {}, {1: 1} != {1: 2}, {1: 1} == {1: 1})
