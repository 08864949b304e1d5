# libm's powf(5, 5), the call 1.29's formatting makes to scale a float.
import math

for i in range(100):
    x = math.pow(5.0, 5.0)
print(int(x))
