a = [1, 2]
b = a
c = [1, 2]
print(a is b, a is c, a == c, id(a) == id(b), id(a) == id(c))
n = None
print(n is None, (1 > 0) is True, a is not c)
x = 'short'
print(x is x, type(x) is str)
def f():
    pass
print(f is f, len is len)
