# mpy-cross rejects this.
def broken(:
    pass
