def guarded():
    while True:
        try:
            yield 'ok'
        except ValueError as e:
            print('caught', e.args[0])
            yield 'recovered'
g = guarded()
print(next(g))
print(g.throw(ValueError('bad')))
print(next(g))
try:
    g.throw(KeyError('unhandled'))
except KeyError as e:
    print('propagated', type(e).__name__)
try:
    next(g)
except StopIteration:
    print('generator finished')
