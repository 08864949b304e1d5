# requires: round-int
print(round(7), round(-3), type(round(5)).__name__)
print(round(1234, -2), round(1250, -2), round(1350, -2), round(-1250, -2))
print(round(17, -1), round(15, -1), round(25, -1), round(99, 0))
