for fmt, args in (('{} {}', ('only one',)), ('{0} {2}', ('a', 'b')), ('{missing}', ())):
    try:
        print(fmt.format(*args))
    except (IndexError, KeyError) as e:
        print(repr(fmt), type(e).__name__)
try:
    '{:d}'.format('text')
except ValueError as e:
    print('bad spec', type(e).__name__)
print('{}'.format('fine'))
