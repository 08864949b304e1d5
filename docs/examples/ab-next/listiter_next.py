# next() on a list iterator.
it = iter([1] * 200)
for i in range(100):
    x = next(it)
print(x)
