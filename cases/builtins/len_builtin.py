print(len(''), len('abc'), len([]), len([1, [2, 3]]), len(()), len((1,)))
print(len({}), len({'a': 1, 'b': 2}), len(set()), len({1, 2, 2}))
print(len(b'xyz'), len(bytearray(7)), len(range(10)), len(range(0, 10, 3)))
class Sized:
    def __len__(self):
        return 42
print(len(Sized()))
try:
    len(5)
except TypeError as e:
    print(type(e).__name__)
