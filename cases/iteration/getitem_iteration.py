class Squares:
    def __getitem__(self, i):
        if i >= 5:
            raise IndexError('done')
        return i * i
print(list(Squares()))
for v in Squares():
    if v > 5:
        print('first > 5:', v)
        break
print(9 in Squares(), 10 in Squares())
it = iter(Squares())
print(next(it), next(it))
