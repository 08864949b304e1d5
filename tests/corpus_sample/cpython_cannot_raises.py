# CPython has no micropython module, and on the VM the script raises: with
# no reference to compare with, the uncaught error is the script failing.
from micropython import const

X = const(7)
print([1, 2][X])
