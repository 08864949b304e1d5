def inner(n):
    for i in range(n):
        yield i
    return n * 100
def outer():
    a = yield from inner(2)
    b = yield from inner(3)
    yield a + b
print(list(outer()))
def flatten(items):
    for x in items:
        if isinstance(x, list):
            yield from flatten(x)
        else:
            yield x
print(list(flatten([1, [2, 3], [[4], 5], [], [[6, 7]]])))
def chain(*its):
    for it in its:
        yield from it
print(list(chain('ab', [1, 2], range(2))))
