class Tree:
    def __init__(self, value, children=()):
        self.value = value
        self.children = list(children)
    def walk(self, depth=0):
        yield depth, self.value
        for c in self.children:
            yield from c.walk(depth + 1)
    def __iter__(self):
        for _, v in self.walk():
            yield v
t = Tree('root', [Tree('a', [Tree('a1'), Tree('a2')]), Tree('b')])
for d, v in t.walk():
    print('  ' * d + v)
print(list(t), len(list(t)))
