# requires: float
print(1 + 0.5, 3 * 0.25, 7 - 0.5, 2 / 1)
print(type(1 + 0.5).__name__, type(4 / 2).__name__, type(4 // 2).__name__)
print(1 == 1.0, 2 < 2.5, -3 > -3.5, 0 == -0.0)
print(int(2.75), int(-2.75), int(0.5), int(-0.5))
print(float(3), float(-7), float('2.5'), float('-0.125'))
print(abs(-4.5), max(1, 2.5), min(-1.5, -1), sum([0.5, 0.25, 1]))
print(hash(2.0) == hash(2), {1.0: 'a'}[1])
