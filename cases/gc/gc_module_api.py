# requires: module:gc
import gc
print(callable(gc.collect), callable(gc.enable), callable(gc.disable), callable(gc.isenabled))
gc.collect()
gc.disable()
print(gc.isenabled())
gc.enable()
print(gc.isenabled())
def figure_ok(name):
    f = getattr(gc, name, None)
    if f is None:
        return True
    v = f()
    return isinstance(v, int) and v >= 0
print(figure_ok('mem_free'), figure_ok('mem_alloc'))
gc.collect()
print('collected')
