# Float arithmetic, nothing printed.
a = 2.5
b = -0.75
c = 0.0
for i in range(100):
    c = a * b + a / 0.5 - b
print(int(c))
