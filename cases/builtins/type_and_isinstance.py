values = [1, 'a', [1], (1,), {1: 2}, {1}, None, b'x', range(1), 2 > 1]
for v in values:
    print(type(v).__name__)
print(isinstance(1, int), isinstance('a', str), isinstance([], (tuple, list)), isinstance(None, type(None)))
print(type(1) == int, type('') is str, type([]) is not list)
