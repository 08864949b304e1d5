# A float to text: repr(2.5).
x = 2.5
for i in range(100):
    s = repr(x)
print(len(s))
