log = []
def trace(fn):
    def wrapper(*args):
        log.append(('call', args))
        r = fn(*args)
        log.append(('ret', r))
        return r
    return wrapper
@trace
def mul(a, b):
    return a * b
print(mul(3, 4), mul(2, 5))
print(log)
def repeat(n):
    def deco(fn):
        def wrapper(x):
            for _ in range(n):
                x = fn(x)
            return x
        return wrapper
    return deco
@repeat(3)
def double(x):
    return x * 2
print(double(1), double(5))
