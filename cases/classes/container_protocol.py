class Bag:
    def __init__(self, *items):
        self.items = list(items)
    def __len__(self):
        return len(self.items)
    def __getitem__(self, i):
        return self.items[i]
    def __setitem__(self, i, v):
        self.items[i] = v
    def __contains__(self, x):
        return x in self.items
    def __iter__(self):
        return iter(self.items)
b = Bag('a', 'b', 'c')
print(len(b), b[0], b[-1], 'b' in b, 'z' in b, 'z' not in b)
b[1] = 'B'
print(list(b), [x * 2 for x in b], bool(b), bool(Bag()))
try:
    b[10]
except IndexError as e:
    print(type(e).__name__)
