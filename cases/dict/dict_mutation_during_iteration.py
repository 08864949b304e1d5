d = {i: i * i for i in range(6)}
for k in list(d):
    if k % 2:
        del d[k]
print(sorted(d.items()))
for k in list(d.keys()):
    d[k + 100] = d.pop(k)
print(sorted(d.items()))
snapshot = list(d.items())
d.clear()
print(len(snapshot), len(d))
