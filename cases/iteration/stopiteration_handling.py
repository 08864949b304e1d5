def take_pairs(it):
    it = iter(it)
    out = []
    while True:
        try:
            a = next(it)
        except StopIteration:
            break
        try:
            b = next(it)
        except StopIteration:
            out.append((a, None))
            break
        out.append((a, b))
    return out
print(take_pairs('abcde'))
print(take_pairs([]), take_pairs([1, 2]))
class Stop:
    def __iter__(self):
        return self
    def __next__(self):
        raise StopIteration('with value')
print(list(Stop()), [x for x in Stop()])
for x in Stop():
    print('never')
else:
    print('for-else runs when loop ends normally')
