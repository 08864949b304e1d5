class Res:
    def __init__(self, name, swallow=False):
        self.name = name
        self.swallow = swallow
    def __enter__(self):
        print('enter', self.name)
        return self.name.upper()
    def __exit__(self, typ, val, tb):
        print('exit', self.name, typ.__name__ if typ else None)
        return self.swallow
with Res('a') as v:
    print('body', v)
with Res('b', swallow=True):
    raise ValueError('hidden')
print('after b')
try:
    with Res('c'):
        raise KeyError('shown')
except KeyError:
    print('caught c')
with Res('outer') as o, Res('inner') as i:
    print('both', o, i)
