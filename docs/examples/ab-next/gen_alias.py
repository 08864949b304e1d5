# The same through nx = next: the builtin reached by another name.
def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
g = fib()
nx = next
for i in range(100):
    x = nx(g)
print(x > 0)
