# requires: float module:math
import math
print(math.sqrt(16.0), math.sqrt(2.25), math.fabs(-3.5))
print(math.floor(2.5), math.floor(-2.5), math.ceil(2.5), math.ceil(-2.5))
print(math.trunc(-3.75), math.trunc(3.75))
print(math.copysign(2.0, -0.0), math.fmod(7.5, 2.0), math.fmod(-7.5, 2.0))
print(math.isinf(float('inf')), math.isnan(float('nan')), math.isnan(1.0))
print(math.frexp(8.0), math.ldexp(0.75, 4), math.modf(2.5))
print(math.pow(2.0, 10.0), math.exp(0.0), math.log(1.0))
