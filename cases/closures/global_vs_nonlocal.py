counter = 0
def bump():
    global counter
    counter += 1
    return counter
print(bump(), bump(), counter)
def outer():
    counter = 100
    def inner():
        nonlocal counter
        counter += 1
        return counter
    def glob():
        global counter
        counter += 10
        return counter
    return inner(), glob(), counter
print(outer(), counter)
def reads_global():
    return counter * 2
print(reads_global())
try:
    def broken():
        print(undefined_name_xyz)
    broken()
except NameError as e:
    print(type(e).__name__)
