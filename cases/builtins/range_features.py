r = range(3, 30, 4)
print(r.start, r.stop, r.step, len(r), r[2], r[-2])
print(list(r[1:3]), 15 in r, 16 in r, -1 in r)
print(len(range(10, 0)), len(range(0, -10, -1)), list(range(-2, 2)))
try:
    range(1, 2, 0)
except ValueError as e:
    print(type(e).__name__)
try:
    r[100]
except IndexError as e:
    print(type(e).__name__)
print(bool(range(0)), bool(range(1)))
