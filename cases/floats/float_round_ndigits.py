# requires: double
print(round(3.14159, 2), round(3.14159, 4), round(-2.71828, 3))
print(round(1234.5678, -2), round(0.125, 2), round(0.375, 2))
print(round(1e-5, 3), round(123.456, 0))
