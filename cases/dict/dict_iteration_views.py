d = {}
for i, ch in enumerate('hello world'):
    d[ch] = i
print(sorted(d))
print(sorted(d.values()))
print(sorted(d.items())[:4])
keys = d.keys()
print(len(list(keys)), 'h' in keys, 'z' in keys)
d['z'] = 99
print(len(list(keys)), 'z' in keys)
print(sorted(k for k, v in d.items() if v > 5))
print(sum(d.values()), 99 in d.values())
