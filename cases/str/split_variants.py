s = '  alpha beta\tgamma\n delta  '
print(s.split())
print('a,b,,c,'.split(','))
print('a,b,c,d'.split(',', 2))
print('a,b,c,d'.rsplit(',', 1))
print('one::two::three'.split('::'))
print(''.split(), ''.split(','), 'abc'.split('x'))
print('x y z'.split(None, 1))
try:
    'abc'.split('')
except ValueError as e:
    print(type(e).__name__)
