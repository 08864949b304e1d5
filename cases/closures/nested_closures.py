def level1(a):
    def level2(b):
        def level3(c):
            return a + b + c
        return level3
    return level2
print(level1(1)(10)(100))
f2 = level1('x')
print(f2('y')('z'), f2('Y')('Z'))
def outer():
    v = 'outer'
    def mid():
        def inner():
            return v
        return inner
    v = 'changed'
    return mid()
print(outer()())
