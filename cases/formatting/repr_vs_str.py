values = ['text', "it's", 'tab\t', 42, None, True, [1, 'a'], ('x',), {'k': 'v'}, b'by', '']
for v in values:
    print(str(v), '|', repr(v))
print('%s|%r' % ('s', 's'), '{!s}|{!r}'.format(1, '1'))
