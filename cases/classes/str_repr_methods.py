class Vec:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __repr__(self):
        return 'Vec(%d, %d)' % (self.x, self.y)
class Named:
    def __init__(self, n):
        self.n = n
    def __str__(self):
        return 'Named<' + self.n + '>'
    def __repr__(self):
        return 'N:' + self.n
v = Vec(1, 2)
print(v, str(v), repr(v))
print([v, Vec(3, 4)])
n = Named('a')
print(n, str(n), repr(n), [n], (n,))
print('%s %r' % (n, n), '{} {!r}'.format(n, n))
