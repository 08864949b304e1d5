# heap: 12288
checks = []
for rnd in range(25):
    lst = [str(rnd * 100 + j) * 2 for j in range(30)]
    d = {k: len(k) for k in lst}
    checks.append(sum(d.values()))
    lst = None
    d = None
print(checks[:5], checks[-1], len(checks))
buf = []
for rnd in range(10):
    buf = [bytearray(64) for _ in range(8)]
    for b in buf:
        b[0] = rnd
print(len(buf), [b[0] for b in buf])
print(len(buf[0]), sum(len(b) for b in buf))
