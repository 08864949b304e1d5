acc = 0
for i in range(400):
    s = 'item-' + str(i) + '-' + 'x' * (i % 17)
    acc += len(s)
print(acc)
parts = []
for i in range(30):
    parts.append(('%03d' % i) * 2)
joined = ','.join(parts)
print(len(joined), joined[:20], joined[-12:])
parts = None
joined = None
s = ''
for i in range(200):
    s += chr(65 + i % 26)
print(len(s), s[:30])
