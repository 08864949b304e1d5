t = (1, 'a', 2, None)
print(t, len(t), t[1], t[-1], t[1:3])
print((), (1,), tuple(), tuple([1, 2]), tuple('ab'))
print(type(()).__name__, type((1)).__name__, type((1,)).__name__)
print(t + (5,), (0,) * 3, t.count(None), t.index('a'))
print(1 in t, 'b' in t)
try:
    t[0] = 9
except TypeError as e:
    print(type(e).__name__)
