add = lambda a, b: a + b
print(add(2, 3), add('x', 'y'))
sq = lambda x: x * x
print(list(map(sq, range(5))))
compose = lambda f, g: lambda x: f(g(x))
inc = lambda x: x + 1
print(compose(sq, inc)(3), compose(inc, sq)(3))
print((lambda *a, **k: (a, sorted(k.items())))(1, 2, z=3))
print(sorted(['bb', 'a', 'ccc'], key=lambda s: -len(s)))
print((lambda: 'no args')(), (lambda x=5: x)())
