class Range2:
    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi
    def __iter__(self):
        return Range2Iter(self.lo, self.hi)
class Range2Iter:
    def __init__(self, cur, hi):
        self.cur, self.hi = cur, hi
    def __iter__(self):
        return self
    def __next__(self):
        if self.cur >= self.hi:
            raise StopIteration
        self.cur += 2
        return self.cur - 2
r = Range2(1, 10)
print(list(r), list(r))
sq = []
for x in r:
    sq.append(x * x)
print(sq, sum(r), 5 in r, 6 in r)
a, b, *c = Range2(0, 12)
print(a, b, c)
it = iter(r)
print(next(it), next(it), list(it))
