class Key:
    def __init__(self, a, b):
        self.a, self.b = a, b
    def __eq__(self, other):
        return (self.a, self.b) == (other.a, other.b)
    def __hash__(self):
        return hash((self.a, self.b))
d = {Key(1, 2): 'first', Key(3, 4): 'second'}
print(d[Key(1, 2)], d[Key(3, 4)], Key(5, 6) in d)
d[Key(1, 2)] = 'replaced'
print(len(d), d[Key(1, 2)])
s = {Key(0, 0), Key(0, 0), Key(0, 1)}
print(len(s))
class Plain:
    pass
p = Plain()
print(p == p, p == Plain(), p != Plain(), {p: 1}[p])
