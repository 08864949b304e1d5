class Money:
    def __init__(self, cents):
        self.cents = cents
    def __add__(self, other):
        return Money(self.cents + other.cents)
    def __sub__(self, other):
        return Money(self.cents - other.cents)
    def __eq__(self, other):
        return isinstance(other, Money) and self.cents == other.cents
    def __lt__(self, other):
        return self.cents < other.cents
    def __str__(self):
        return '$%d.%02d' % (self.cents // 100, self.cents % 100)
a = Money(150)
b = Money(275)
print(a + b, b - a, a == Money(150), a == b, a != b, a < b)
total = Money(0)
for m in (a, b, Money(5)):
    total += m
print(total)
print([str(m) for m in sorted([b, Money(1), a])])
print(min([a, b, Money(99)]), min(b, a))
