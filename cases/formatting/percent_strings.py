s = 'abc'
print('[%s]' % s, '[%10s]' % s, '[%-10s]' % s, '[%.2s]' % s, '[%5.1s]' % s)
print('%s and %s' % ('one', 'two'), '%s' % (('tuple', 'inside'),))
print('%r %s' % ('q', 'q'), '%s' % None, '%s' % [1, 'a'])
print('%(name)s is %(age)d' % {'name': 'Ann', 'age': 30})
print('%*d|%-*d|' % (6, 42, 4, 7))
try:
    '%d %d' % (1,)
except TypeError as e:
    print(type(e).__name__)
try:
    '%d' % (1, 2)
except TypeError as e:
    print(type(e).__name__)
