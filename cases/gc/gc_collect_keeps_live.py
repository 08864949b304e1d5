# requires: module:gc
import gc
data = {'nums': list(range(20)), 'text': 'keep me ' * 3, 'nested': [[1, 2], (3, 4)]}
def make_closure():
    hidden = ['closure', 'state']
    return lambda: hidden
f = make_closure()
def gen():
    local = ['generator', 'local']
    yield local
    yield local + ['again']
g = gen()
first = next(g)
for _ in range(20):
    junk = [object() for _ in range(10)]
    gc.collect()
junk = None
print(sum(data['nums']), data['text'], data['nested'])
print(f(), first)
print(next(g))
print(junk, len(data))
