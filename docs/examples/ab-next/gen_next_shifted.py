# gen_next.py with three names used first: the loop's names move off the
# map lookup cache entry of `next`, and 1.29 costs what 1.23 does (docs/ab.md).
d0 = 0
d1 = 0
d2 = 0
def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
g = fib()
for i in range(100):
    x = next(g)
print(x > 0)
