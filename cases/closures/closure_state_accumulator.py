def averager():
    total = 0
    count = 0
    def add(v):
        nonlocal total, count
        total += v
        count += 1
        return total // count
    return add
avg = averager()
print([avg(v) for v in (10, 20, 30, 40)])
def memo(fn):
    cache = {}
    calls = [0]
    def wrapper(n):
        if n not in cache:
            calls[0] += 1
            cache[n] = fn(n)
        return cache[n]
    def stats():
        return calls[0], sorted(cache)
    return wrapper, stats
square, stats = memo(lambda n: n * n)
print(square(4), square(4), square(5))
print(stats())
print(square(9), stats())
