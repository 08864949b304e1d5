s = set()
s.add(3)
s.add(1)
s.add(3)
print(sorted(s), len(s))
s.update([5, 6], (7,))
print(sorted(s))
s.discard(6)
s.discard(100)
s.remove(7)
print(sorted(s))
try:
    s.remove(100)
except KeyError as e:
    print(type(e).__name__)
x = {42}
print(x.pop(), x)
s.clear()
print(len(s), s == set())
