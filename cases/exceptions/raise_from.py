class LowLevel(Exception):
    pass
class HighLevel(Exception):
    pass
def load():
    try:
        raise LowLevel('disk')
    except LowLevel as e:
        raise HighLevel('load failed: ' + str(e)) from e
try:
    load()
except HighLevel as e:
    print(type(e).__name__, e.args)
try:
    raise HighLevel('no cause') from None
except HighLevel as e:
    print(type(e).__name__, e)
def convert(s):
    try:
        return int(s)
    except ValueError as e:
        raise LowLevel('not a number: ' + s) from e
for s in ('12', 'zz'):
    try:
        print('converted', convert(s))
    except LowLevel as e:
        print(type(e).__name__, e.args[0])
