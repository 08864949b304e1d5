def build():
    handlers = {}
    for name in ('alpha', 'beta', 'gamma'):
        def handler(name=name):
            return name.upper()
        handlers[name] = handler
    return handlers
h = build()
print(sorted((k, f()) for k, f in h.items()))
def build_shared():
    out = []
    for n in range(3):
        def f():
            return n
        out.append(f)
    return out
print([f() for f in build_shared()])
def build_cells():
    out = []
    for n in range(3):
        def make(k):
            return lambda: k * k
        out.append(make(n))
    return out
print([f() for f in build_cells()])
