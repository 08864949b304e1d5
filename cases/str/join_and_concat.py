words = ['red', 'green', 'blue']
print(', '.join(words), '-'.join('abc'), ''.join(words))
print('|'.join([]), '|'.join(['solo']))
print('x'.join(str(i) for i in range(5)))
s = 'ab' + 'cd' + 'ef'
print(s, s * 2, 3 * 'xy', 'q' * 0 == '')
parts = []
for i in range(6):
    parts.append(chr(ord('a') + i) * i)
print('/'.join(parts))
try:
    ','.join(['a', 1])
except TypeError as e:
    print(type(e).__name__)
