# requires: reverse-ops special-methods
class V:
    def __init__(self, *c):
        self.c = c
    def __mul__(self, k):
        return V(*[x * k for x in self.c])
    def __rmul__(self, k):
        return self * k
    def __neg__(self):
        return V(*[-x for x in self.c])
    def __radd__(self, other):
        return V(*[x + other for x in self.c])
    def __floordiv__(self, k):
        return V(*[x // k for x in self.c])
    def __str__(self):
        return 'V' + str(self.c)
v = V(1, 2, 3)
print(v * 2, 3 * v, -v, 10 + v, v // 2)
w = (2 * v) * 3
print(w, -(-w), 0 + w)
print((v * 10) // 3, (-v) // 2)
