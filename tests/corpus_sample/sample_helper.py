# A helper module, and a script of the corpus too.
def triple(x):
    return 3 * x


print("helper", triple(1))
