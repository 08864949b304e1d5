def leaky():
    yield 1
    raise StopIteration('oops')
try:
    print(list(leaky()))
except RuntimeError as e:
    print(type(e).__name__)
def careful():
    it = iter([1, 2])
    while True:
        try:
            v = next(it)
        except StopIteration:
            return 'exhausted'
        yield v
g = careful()
print(list(g))
g = careful()
for _ in g:
    pass
try:
    next(g)
except StopIteration as e:
    print('value', e.value)
