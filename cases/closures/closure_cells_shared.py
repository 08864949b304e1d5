def pair():
    value = [0]
    shared = 'start'
    def setter(v):
        nonlocal shared
        shared = v
        value[0] += 1
    def getter():
        return shared, value[0]
    return setter, getter
s, g = pair()
print(g())
s('one')
print(g())
s('two')
print(g())
s2, g2 = pair()
print(g2(), g())
