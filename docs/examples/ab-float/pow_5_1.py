# powf(5, 1): its shortcut for an exponent of one.
import math

for i in range(100):
    x = math.pow(5.0, 1.0)
print(int(x))
