def check(v):
    if v > 2:
        raise ValueError('value %d too large' % v)
    return v
print(check(1))
print(check(2))
print(check(2) + check(1))
print(check(3))
