# requires: frozenset
f = frozenset([3, 1, 2, 3])
print(sorted(f), len(f), 2 in f)
g = frozenset('ab')
print(sorted(f | {9}), type(f | {9}).__name__)
d = {f: 'numbers', g: 'letters'}
print(d[frozenset([1, 2, 3])], d[frozenset('ba')])
print(f == {1, 2, 3}, hash(f) == hash(frozenset([1, 2, 3])))
try:
    f.add(4)
except AttributeError as e:
    print(type(e).__name__)
