sq = {x: x * x for x in range(6)}
print(sorted(sq.items()))
inv = {v: k for k, v in sq.items()}
print(sorted(inv.items()))
print(sorted({w[0] for w in 'apple avocado banana cherry cranberry'.split()}))
print(sorted({x % 5 for x in range(100)}))
lens = {w: len(w) for w in ['hi', 'there', 'hi']}
print(sorted(lens.items()), len(lens))
