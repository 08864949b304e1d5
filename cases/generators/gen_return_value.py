def worker(n):
    total = 0
    for i in range(n):
        total += i
        yield i
    return total * 10
g = worker(4)
print(list(g))
g = worker(3)
while True:
    try:
        next(g)
    except StopIteration as e:
        print('returned', e.value, e.args)
        break
def empty():
    return 'nothing'
    yield
try:
    next(empty())
except StopIteration as e:
    print(e.value)
