# A generator iterated by a for loop.
def fib():
    a, b = 0, 1
    for k in range(100):
        yield a
        a, b = b, a + b
t = 0
for x in fib():
    t += 1
print(t)
