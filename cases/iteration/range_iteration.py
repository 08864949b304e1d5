print(list(range(5)), list(range(2, 8)), list(range(10, 0, -3)), list(range(0)))
print(list(range(-3, 3)), list(range(5, 5)), list(range(1, -5, -2)))
r = range(1, 20, 4)
print(len(r), r[0], r[-1], 9 in r, 10 in r, r.start, r.stop, r.step)
print(sum(range(101)), max(range(7)), min(range(3, 9)))
total = 0
for i in range(100, 0, -7):
    total += i
print(total)
print(list(range(3))[::-1], list(reversed(r)))
