log = []
try:
    try:
        log.append(1)
        raise ValueError('inner')
    except KeyError:
        log.append('wrong handler')
    finally:
        log.append(2)
    log.append('not reached')
except ValueError as e:
    log.append('outer caught ' + str(e))
finally:
    log.append(3)
print(log)
def level(n):
    try:
        if n == 0:
            raise IndexError('bottom')
        return level(n - 1)
    finally:
        print('unwind', n)
try:
    level(1)
except IndexError as e:
    print('got', e)
