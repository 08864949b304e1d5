total = 0
for i in range(800):
    tmp = [i, i + 1, i + 2, i * 2]
    total += sum(tmp)
    tmp = None
print(total)
print(tmp, i)
keep = []
for i in range(300):
    t = (i, str(i), [i] * 3)
    if i % 50 == 0:
        keep.append(t)
print(len(keep), keep[-1][1], keep[2][2])
