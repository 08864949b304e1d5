for s, b in (('101', 2), ('777', 8), ('ff', 16), ('FF', 16), ('z', 36), ('10', 36), ('-1a', 16), ('  12  ', 10)):
    print(s.strip(), b, int(s, b))
print(int('0x10', 0), int('0o10', 0), int('0b10', 0), int('10', 0))
for s, b in (('2', 2), ('g', 16), ('', 10), ('0x', 16)):
    try:
        int(s, b)
    except ValueError as e:
        print(repr(s), b, type(e).__name__)
