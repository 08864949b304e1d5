def risky():
    raise ValueError('original')
try:
    try:
        risky()
    except ValueError:
        print('logging and re-raising')
        raise
except ValueError as e:
    print('outer got', e.args)
try:
    try:
        risky()
    except ValueError as e:
        err = e
        raise err
except ValueError as e2:
    print(e2 is err)
try:
    try:
        risky()
    except ValueError:
        raise TypeError('converted')
except TypeError as e:
    print(type(e).__name__, e)
