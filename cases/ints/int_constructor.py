print(int(), int(0), int(-12), int('123'), int('-456'), int('+78'))
print(int('  99  '), int('0'), int('-0'))
print(int(True), int(False))
print(int('ff', 16), int('FF', 16), int('777', 8), int('101', 2))
print(int('0x1f', 16), int('0o17', 8), int('0b11', 2))
print(int('0x1f', 0), int('0o17', 0), int('0b11', 0), int('42', 0))
print(int('z', 36), int('Zz', 36), int('-10', 3))
for s in ('', 'abc', '1.5', '12a', '0x'):
    try:
        int(s)
        print('parsed', s)
    except ValueError as e:
        print(repr(s), type(e).__name__)
