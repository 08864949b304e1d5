class Calc:
    def __init__(self, base):
        self.base = base
    def add(self, x):
        return self.base + x
c = Calc(10)
f = c.add
print(f(5), Calc.add(c, 7), list(map(c.add, [1, 2, 3])))
ops = {'plus': c.add, 'len': len, 'up': str.upper}
print(ops['plus'](1), ops['len']('four'), ops['up']('x'))
c.base = 100
print(f(1))
methods = [Calc(i).add for i in range(3)]
print([m(10) for m in methods])
