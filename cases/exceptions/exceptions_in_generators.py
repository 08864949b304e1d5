def gen():
    yield 1
    raise ValueError('from generator')
g = gen()
print(next(g))
try:
    next(g)
except ValueError as e:
    print('caught', e)
try:
    next(g)
except StopIteration:
    print('generator is finished')
def safe_div(pairs):
    for a, b in pairs:
        try:
            yield a // b
        except ZeroDivisionError:
            yield 'div0'
print(list(safe_div([(6, 3), (1, 0), (9, 2)])))
