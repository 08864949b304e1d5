def make_adders():
    return [lambda x, n=n: x + n for n in range(4)]
print([f(10) for f in make_adders()])
def scale(k):
    return [v * k for v in range(4)]
print(scale(3))
def outer():
    base = 100
    return {i: base + i for i in range(3)}
print(sorted(outer().items()))
def gen_sum(limit):
    return sum(i for i in range(limit) if i % limit != 1)
print(gen_sum(10))
