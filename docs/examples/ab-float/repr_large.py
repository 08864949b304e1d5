# A float to text: repr(1048576.0), seven digits before the point.
x = 1048576.0
for i in range(100):
    s = repr(x)
print(len(s))
