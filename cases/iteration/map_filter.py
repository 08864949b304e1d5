print(list(map(str, [1, 2, 3])), list(map(len, ['a', 'bb', ''])))
print(list(map(lambda a, b: a * b, [1, 2, 3], [4, 5, 6, 7])))
print(list(filter(None, [0, 1, '', 'x', None, [], [0]])))
print(list(filter(lambda x: x % 3 == 0, range(10))))
m = map(abs, [-1, -2])
print(next(m), list(m), list(m))
calls = []
def noisy(x):
    calls.append(x)
    return x
lazy = map(noisy, [1, 2, 3])
print(calls)
print(next(lazy), calls)
