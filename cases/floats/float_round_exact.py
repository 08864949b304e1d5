# requires: float
for v in (0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.25, -3.75, 7.0):
    print(v, round(v), type(round(v)).__name__)
print(round(2.75, 1) == 2.8, round(-0.75, 0), round(6.5, 0))
print(round(2.5, 0), round(1234.5, -1) in (1230.0, 1240.0))
