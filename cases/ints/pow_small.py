print(2 ** 10, 3 ** 5, (-2) ** 5, (-2) ** 6)
print(10 ** 0, 0 ** 0, 0 ** 5, 1 ** 1000)
print(7 ** 9, (-7) ** 9)
b = 2
for e in range(0, 29, 4):
    print(e, b ** e)
print(pow(5, 3), pow(-3, 3))
