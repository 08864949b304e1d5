try:
    try:
        raise ValueError('first')
    finally:
        raise KeyError('second')
except KeyError as e:
    print('KeyError wins', e.args)
except ValueError:
    print('ValueError wins')
def cleanup_fails():
    try:
        return 'value'
    finally:
        raise RuntimeError('cleanup')
try:
    cleanup_fails()
except RuntimeError as e:
    print('got', e)
def finally_replaces_return():
    try:
        raise ValueError('original')
    finally:
        return 'finally value'
print(finally_replaces_return())
