words = 'one two three four five six seven eight nine ten'.split()
by_len = {}
for w in words:
    by_len.setdefault(len(w), []).append(w)
for k in sorted(by_len):
    print(k, by_len[k])
first = {}
for w in words:
    first[w[0]] = first.get(w[0], 0) + 1
print(sorted(first.items()))
inv = {v: k for k, v in first.items() if v > 1}
print(sorted(inv.items()))
