t = tuple(range(10))
print(t[2:5], t[-2:], t[7:], t[:-7], t[3:3])
total = 0
for v in t[1:8]:
    total += v
print(total)
print(list(enumerate(t[:3])), list(zip(t[:3], t[-3:])))
print(t.index(4), t.count(4), t[t.index(9)])
