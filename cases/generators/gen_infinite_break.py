def naturals():
    n = 0
    while True:
        yield n
        n += 1
for n in naturals():
    if n * n > 50:
        print('first square over 50 from', n)
        break
def primes():
    found = []
    n = 2
    while True:
        if all(n % p for p in found):
            found.append(n)
            yield n
        n += 1
out = []
for p in primes():
    if len(out) == 15:
        break
    out.append(p)
print(out)
g = naturals()
print([next(g) for _ in range(5)], next(g))
