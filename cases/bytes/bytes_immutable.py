b = b'abc'
try:
    b[0] = 1
except TypeError as e:
    print(type(e).__name__)
try:
    b.append(1)
except AttributeError as e:
    print(type(e).__name__)
try:
    bytes([300])
except ValueError as e:
    print(type(e).__name__)
try:
    b'a' + 5
except TypeError as e:
    print(type(e).__name__)
print(b, b is not None)
