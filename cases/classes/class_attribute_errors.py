class Thing:
    color = 'red'
t = Thing()
try:
    t.missing
except AttributeError as e:
    print(type(e).__name__)
try:
    Thing.missing_cls
except AttributeError as e:
    print(type(e).__name__)
print(getattr(t, 'color'), getattr(t, 'nope', 'default'))
setattr(t, 'size', 3)
print(t.size, hasattr(t, 'size'), hasattr(t, 'weight'))
delattr(t, 'size')
print(hasattr(t, 'size'))
try:
    (5).attr = 1
except AttributeError as e:
    print(type(e).__name__)
