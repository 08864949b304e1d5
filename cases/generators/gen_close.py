log = []
def resource():
    log.append('open')
    try:
        for i in range(10):
            yield i
    finally:
        log.append('cleanup')
g = resource()
print(next(g), next(g))
g.close()
print(log)
g.close()
print(log)
try:
    next(g)
except StopIteration:
    print('closed gen stops')
def catches_exit():
    try:
        yield 1
    except GeneratorExit:
        log.append('got GeneratorExit')
        raise
g = catches_exit()
next(g)
g.close()
print(log[-1])
