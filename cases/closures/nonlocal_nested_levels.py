def outer():
    x = 0
    def mid():
        def inner():
            nonlocal x
            x += 1
            return x
        inner()
        inner()
        return inner
    f = mid()
    f()
    return x, f
x, f = outer()
print(x, f(), f())
def shadow():
    y = 'outer'
    def inner():
        y = 'inner'
        return y
    inner()
    return y
print(shadow())
def toggler():
    state = False
    def flip():
        nonlocal state
        state = not state
        return state
    return flip
t = toggler()
print(t(), t(), t())
