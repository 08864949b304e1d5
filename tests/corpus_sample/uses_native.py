# Native code: mpy-cross here emits bytecode only, as the targets run.
import micropython


@micropython.native
def add(a, b):
    return a + b


print(add(1, 2))
