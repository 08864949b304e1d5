# next() on a range iterator.
it = iter(range(1000))
for i in range(100):
    x = next(it)
print(x)
