fns = []
for i in range(3):
    fns.append(lambda: i)
print([f() for f in fns])
fns = []
for i in range(3):
    fns.append(lambda i=i: i)
print([f() for f in fns])
def make(i):
    return lambda: i * 10
fns = [make(i) for i in range(3)]
print([f() for f in fns])
x = 1
get_x = lambda: x
x = 2
print(get_x())
