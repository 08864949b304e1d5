def count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1
g = count_up(3)
print(next(g), next(g), next(g))
try:
    next(g)
except StopIteration:
    print('done')
print(list(count_up(5)), sum(count_up(101)))
def letters():
    yield 'a'
    yield 'b'
    return
print(list(letters()), list(letters()))
