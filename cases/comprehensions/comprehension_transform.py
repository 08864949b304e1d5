words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon']
upper = [w.upper() for w in words if len(w) > 4]
print(upper)
pairs = [(w, len(w)) for w in words]
print(pairs)
print(dict(pairs)['gamma'], sorted(dict(pairs).values()))
print([w[1:-1] for w in words][:2], [w for w in words if 'l' in w])
