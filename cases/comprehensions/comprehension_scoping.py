x = 'outer'
vals = [x for x in range(3)]
print(x, vals)
n = 10
print([n + i for i in range(3)])
funcs = [lambda: i for i in range(3)]
print([f() for f in funcs])
funcs = [lambda i=i: i for i in range(3)]
print([f() for f in funcs])
def f():
    y = 5
    return [y * k for k in range(3)]
print(f())
i = 'kept'
g = list(i for i in 'ab')
print(i, g)
