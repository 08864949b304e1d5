# requires: float
total = 0.0
for i in range(64):
    total += 0.125
print(total)
x = 1.0
for i in range(20):
    x /= 2
print(x == 2.0 ** -20, x * 1048576)
s = 0.0
for v in (1.5, -0.25, 3.75, 0.5):
    s += v * 2
print(s)
print(sum([0.5] * 10), 0.5 * 10)
