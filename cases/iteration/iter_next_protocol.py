it = iter([10, 20, 30])
print(next(it), next(it), next(it))
try:
    next(it)
except StopIteration:
    print('exhausted')
s = iter('ab')
print(next(s), next(s))
d = {'k': 1}
print(next(iter(d)), list(iter(d.values())))
r = iter(range(3))
print(iter(r) is r, list(r), list(r))
try:
    iter(5)
except TypeError as e:
    print(type(e).__name__)
