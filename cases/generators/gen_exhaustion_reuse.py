g = (i for i in range(3))
print(list(g), list(g), sum(g))
def gen():
    yield 1
    yield 2
x = gen()
print(next(x), next(x), list(x), list(x))
it = iter(gen())
print(iter(it) is it, list(it))
print(list(zip(gen(), gen(), 'abc')))
