# requires: double module:math
import math
print(math.pi, math.e)
print('%.15g' % math.sqrt(2), math.sqrt(2.25), math.sin(math.pi / 6) - 0.5 < 1e-12)
print(math.log(math.e), math.log10(1000), math.log2(1024))
print(math.exp(1) == math.e, math.cos(0.0), math.atan2(1.0, 1.0) * 4)
print(math.degrees(math.pi), math.radians(180.0) == math.pi)
