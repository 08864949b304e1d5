class Box:
    size = 1
b = Box()
for name in ('size', 'color', 'weight'):
    print(name, hasattr(b, name), getattr(b, name, '-'))
setattr(b, 'color', 'red')
setattr(b, 'size', 5)
print(b.color, b.size, Box.size)
fields = ['a', 'b', 'c']
for i, f in enumerate(fields):
    setattr(b, f, i * 10)
print([getattr(b, f) for f in fields])
print(getattr('text', 'upper')(), getattr([], 'append') is not None)
try:
    getattr(b, 'missing')
except AttributeError as e:
    print(type(e).__name__)
