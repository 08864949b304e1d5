# requires: float
for s in ('1.5', '-2.25', '  3.0 ', '1e2', '2.5E-1', '.5', '5.', '-0', '+7.75'):
    print(repr(s), float(s))
for s in ('', 'abc', '1.2.3', '1e'):
    try:
        float(s)
        print('parsed', s)
    except ValueError as e:
        print(repr(s), type(e).__name__)
