# next(g) on a generator, 100 times, at the module's top level.
def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
g = fib()
for i in range(100):
    x = next(g)
print(x > 0)
