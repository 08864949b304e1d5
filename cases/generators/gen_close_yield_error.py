def stubborn():
    try:
        yield 1
    except GeneratorExit:
        yield 2
g = stubborn()
print(next(g))
try:
    g.close()
except RuntimeError as e:
    print(type(e).__name__)
g2 = stubborn()
g2.close()
print('unstarted close ok')
try:
    next(g2)
except StopIteration:
    print('stopped')
