def inner():
    try:
        yield 1
        yield 2
    except ValueError:
        yield 'inner handled'
    yield 'inner end'
def outer():
    yield from inner()
    yield 'outer end'
g = outer()
print(next(g))
print(g.throw(ValueError))
print(next(g), next(g))
def closer():
    try:
        yield from inner()
    finally:
        print('outer finally')
g = closer()
next(g)
g.close()
print('closed')
