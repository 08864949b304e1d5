def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
g1 = fib()
g2 = fib()
print([next(g1) for _ in range(10)])
print([next(g2) for _ in range(3)], next(g1), next(g2))
def counter(start, step):
    cur = start
    while True:
        cmd = yield cur
        if cmd == 'reset':
            cur = start
        else:
            cur += step
c = counter(10, 5)
print(next(c), next(c), next(c), c.send('reset'), next(c))
