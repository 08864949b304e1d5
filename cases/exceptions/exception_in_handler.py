try:
    try:
        raise ValueError('a')
    except ValueError:
        raise KeyError('from handler')
except KeyError as e:
    print(type(e).__name__, e.args[0])
try:
    try:
        1 // 0
    except ZeroDivisionError:
        [][1]
except IndexError as e:
    print(type(e).__name__)
def handler_with_finally():
    out = []
    try:
        try:
            raise ValueError
        except ValueError:
            out.append('handling')
            raise TypeError
        finally:
            out.append('inner finally')
    except TypeError:
        out.append('outer')
    return out
print(handler_with_finally())
