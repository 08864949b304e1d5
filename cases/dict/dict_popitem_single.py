d = {'only': 1}
print(d.popitem(), d)
d = {'a': 1, 'b': 2, 'c': 3}
got = []
while d:
    got.append(d.popitem())
print(sorted(got), d)
print(len(got), {}.get('k', 'default'))
