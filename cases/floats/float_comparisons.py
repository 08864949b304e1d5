# requires: float
vals = [3.5, -1.25, 0.0, 2, -7, 0.5, 1e3]
print(sorted(vals))
print(sorted(vals, reverse=True))
print(max(vals), min(vals))
print(0.5 < 1 < 1.5, 1.0 <= 1, -0.0 == 0.0, 2.5 != 2.5)
print(1.5 in vals, 1e3 in vals, 2.0 in vals)
