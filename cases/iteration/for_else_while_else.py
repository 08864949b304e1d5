def find(items, target):
    for i, x in enumerate(items):
        if x == target:
            print('found at', i)
            break
    else:
        print('not found')
find([4, 5, 6], 5)
find([4, 5, 6], 7)
n = 3
while n > 0:
    n -= 1
else:
    print('while finished, n =', n)
while True:
    break
else:
    print('never printed')
for _ in []:
    pass
else:
    print('empty for-else')
