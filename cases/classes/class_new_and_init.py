class Singleton:
    _inst = None
    def __new__(cls):
        if cls._inst is None:
            cls._inst = super().__new__(cls)
            cls._inst.created = 1
        else:
            cls._inst.created += 1
        return cls._inst
a = Singleton()
b = Singleton()
print(a is b, a.created)
class Tagged:
    def __new__(cls, tag):
        obj = super().__new__(cls)
        obj.tag = tag.upper()
        return obj
    def __init__(self, tag):
        self.raw = tag
t = Tagged('xy')
print(t.tag, t.raw)
class Pair:
    def __new__(cls, a, b):
        if a > b:
            a, b = b, a
        self = super().__new__(cls)
        self.pair = (a, b)
        return self
print(Pair(5, 2).pair, Pair(1, 9).pair, isinstance(Pair(0, 0), Pair))
