# A math call that does next to nothing: the cost of calling math.pow above.
import math

for i in range(100):
    x = math.fabs(5.0)
print(int(x))
