raw = ['10', 'x', '7', '', '-3', '4.5', '0']
good = []
bad = []
for s in raw:
    try:
        good.append(int(s))
    except ValueError:
        bad.append(s)
print(good, bad, sum(good))
res = []
for d in (2, 0, -1, 0, 5):
    try:
        res.append(100 // d)
    except ZeroDivisionError:
        res.append(None)
    else:
        res.append('ok')
print(res)
d = {'a': 1}
hits = misses = 0
for k in 'abca':
    try:
        d[k] += 1
        hits += 1
    except KeyError:
        d[k] = 0
        misses += 1
print(sorted(d.items()), hits, misses)
