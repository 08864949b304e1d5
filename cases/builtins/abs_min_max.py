print(abs(-7), abs(7), abs(0), abs(-0x3FFFFFFF))
print(min(3, 1, 2), max(3, 1, 2), min([4, -4]), max('abc'), min('bca'))
words = ['kiwi', 'fig', 'banana', 'apple']
print(min(words, key=len), max(words, key=len), max(words, key=lambda w: w[-1]))
print(max([], default='empty'), min([], default=None), max([7], default=0))
print(max(range(10), key=lambda x: (x % 4, x)), min((2, 'b'), (2, 'a'), (3, '')))
try:
    max([])
except ValueError as e:
    print(type(e).__name__)
