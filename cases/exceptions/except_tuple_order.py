def check(exc):
    try:
        raise exc
    except (KeyError, IndexError) as e:
        return 'lookup pair ' + type(e).__name__
    except ValueError:
        return 'value'
    except Exception:
        return 'generic'
for exc in (KeyError('a'), IndexError('b'), ValueError('c'), TypeError('d')):
    print(check(exc))
try:
    raise ValueError('x')
except Exception:
    print('first matching clause wins')
except ValueError:
    print('never')
