# requires: float
print(int(1e9), int(-1e9), int(-65536.0))
print(float(2 ** 20), float(-(2 ** 19)))
print(int(3.99999), int(-3.99999))
try:
    int(float('inf'))
except OverflowError as e:
    print(type(e).__name__)
try:
    int(float('nan'))
except ValueError as e:
    print(type(e).__name__)
