items = [1, 'two', 3, None, (4, 5), [6], True]
for it in items:
    print(type(it).__name__, it)
print(len(items), items[4][1], items[5] * 2)
try:
    sorted([1, 'a'])
except TypeError as e:
    print(type(e).__name__)
