total = 0
i = 0
while i < 20:
    i = i + 1
    if i == 3:
        continue
    elif i == 15:
        break
    elif i % 2 == 0:
        total = total + i
    else:
        total = total - 1
print(total)

count = 0


def bump(n):
    global count
    count = count + n
    return count


for k in range(0, 5):
    if k == 2:
        continue
    bump(k)
print(count)
