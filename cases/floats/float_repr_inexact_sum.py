# requires: double
print(0.1 + 0.2)
print(0.1 + 0.2 == 0.3, abs(0.1 + 0.2 - 0.3) < 1e-15)
print(1.1 * 3)
print(0.1 * 3)
