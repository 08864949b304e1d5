# CPython has no micropython module: no reference without a .exp.
from micropython import const

X = const(7)
print(X)
