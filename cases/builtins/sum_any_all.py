print(sum([1, 2, 3]), sum([], 10), sum(range(5), 100), sum([[1], [2, 3]], []))
print(any([]), all([]), any([0, '', None]), all([1, 'x', [0]]))
print(any(x > 5 for x in range(3)), all(x < 5 for x in range(3)))
seen = []
def probe(x):
    seen.append(x)
    return x
print(any(probe(x) for x in [0, 0, 3, 0]), seen)
seen.clear()
print(all(probe(x) for x in [1, 0, 1]), seen)
