print(sorted(dict(a=1, b=2).items()))
print(sorted(dict([('x', 1), ('y', 2)]).items()))
print(sorted(dict(zip('abc', range(3))).items()))
print(sorted(dict.fromkeys('xyz').items()))
print(sorted(dict.fromkeys([1, 2], 'v').items()))
base = {'k': 1}
print(sorted(dict(base, extra=2).items()), base)
print(dict(), {} == dict())
