# The same, the generator named h: the name of the generator does not matter.
def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
h = fib()
for i in range(100):
    x = next(h)
print(x > 0)
