for thing in (ValueError, ValueError('inst'), KeyError):
    try:
        raise thing
    except Exception as e:
        print(type(e).__name__, e.args, isinstance(e, Exception))
try:
    raise 42
except TypeError as e:
    print('raise non-exception', type(e).__name__)
class E(Exception):
    def __init__(self):
        super().__init__('made by init')
try:
    raise E
except E as e:
    print(e.args)
