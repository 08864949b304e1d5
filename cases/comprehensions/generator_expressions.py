g = (x * 2 for x in range(5))
print(type(g).__name__)
print(next(g), next(g), list(g), list(g))
print(sum(x for x in range(101)), max(len(w) for w in 'a abc ab'.split()))
print(any(x > 3 for x in [1, 2, 5]), all(x > 0 for x in [1, -1]))
print(tuple(c for c in 'abc' if c != 'b'), sorted((x % 3 for x in range(7)), reverse=True))
evaluated = []
def track(x):
    evaluated.append(x)
    return x
g = (track(x) for x in range(3))
print(evaluated)
print(next(g), evaluated)
