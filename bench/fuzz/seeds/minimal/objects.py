class Shape:
    def __init__(self):
        self.name = 'shape'
        self.sides = 0

    def area(self):
        return 0

    def describe(self):
        return self.name + ' ' + str(self.sides)


class Square(Shape):
    def __init__(self):
        self.name = 'square'
        self.sides = 4
        self.side = 3

    def area(self):
        return self.side * self.side


s = Square()
print(s.describe())
print(s.area())
t = Shape()
print(t.area())
