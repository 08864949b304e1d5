# A float to text: repr(0.1), not exact in binary.
x = 0.1
for i in range(100):
    s = repr(x)
print(len(s))
