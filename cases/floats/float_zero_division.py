# requires: float
for f in (lambda: 1.0 / 0, lambda: 1 / 0.0, lambda: 1.0 // 0.0, lambda: 1.0 % 0.0, lambda: 0.0 / 0.0):
    try:
        print(f())
    except ZeroDivisionError as e:
        print(type(e).__name__)
print(1 / 2, 0.0 / 1)
