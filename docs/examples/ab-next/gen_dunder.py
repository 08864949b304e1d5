# The same through g.__next__().
def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
g = fib()
for i in range(100):
    x = g.__next__()
print(x > 0)
