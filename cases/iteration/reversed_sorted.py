print(list(reversed([1, 2, 3])), list(reversed('abc')), list(reversed(range(4))))
print(list(reversed((5, 6))), list(reversed(range(2, 11, 3))))
class Seq:
    def __len__(self):
        return 3
    def __getitem__(self, i):
        if i >= 3:
            raise IndexError
        return 'item%d' % i
print(list(reversed(Seq())), list(Seq()))
print(sorted('hello'), sorted((3, 1, 2), reverse=True), sorted({'b': 1, 'a': 2}))
