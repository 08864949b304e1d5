d = {'x': 1}
try:
    d['y']
except KeyError as e:
    print(type(e).__name__, e.args)
try:
    del d['y']
except KeyError as e:
    print(type(e).__name__)
try:
    d.pop('y')
except KeyError as e:
    print(type(e).__name__)
try:
    {}.popitem()
except KeyError as e:
    print(type(e).__name__)
try:
    d[[1]] = 2
except TypeError as e:
    print(type(e).__name__)
print(d)
