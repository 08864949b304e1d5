def echo():
    got = []
    while True:
        v = yield len(got)
        if v == 'stop':
            return got
        got.append(v)
def delegator():
    result = yield from echo()
    print('inner returned', result)
    yield 'after'
d = delegator()
print(next(d))
print(d.send('x'), d.send('y'))
print(d.send('stop'))
try:
    next(d)
except StopIteration:
    print('end')
