def check(x):
    assert x > 0, 'x must be positive'
    return x * 2
print(check(3))
try:
    check(-1)
except AssertionError as e:
    print(type(e).__name__, e.args)
try:
    assert 1 == 2
except AssertionError as e:
    print('bare assert', e.args)
assert True, 'never raised'
print('done')
