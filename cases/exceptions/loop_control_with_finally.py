out = []
for i in range(5):
    try:
        if i == 1:
            continue
        if i == 3:
            break
        out.append(i)
    finally:
        out.append('f%d' % i)
print(out)
def first_even(items):
    for x in items:
        try:
            if x % 2 == 0:
                return x
        finally:
            print('checked', x)
    return None
print(first_even([3, 5, 8, 9]))
n = 0
while True:
    try:
        n += 1
        if n > 2:
            break
    finally:
        print('while finally', n)
