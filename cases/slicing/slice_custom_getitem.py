# requires: slice-attrs
class Seq:
    def __init__(self, n):
        self.n = n
    def __getitem__(self, key):
        if isinstance(key, slice):
            return ('slice', key.start, key.stop, key.step)
        return ('index', key)
s = Seq(5)
print(s[3], s[-1])
print(s[1:4], s[::2], s[:-1], s[5::-1])
print(s[:], s[2:], s[0])
