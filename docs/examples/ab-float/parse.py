# Text to a float: float("1.5").
for i in range(100):
    x = float("1.5")
print(int(x))
