# A float to text with a precision: "%.3f" % 2.5.
x = 2.5
for i in range(100):
    s = "%.3f" % x
print(len(s))
