class Point:
    dims = 2
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def moved(self, dx, dy):
        return Point(self.x + dx, self.y + dy)
    def norm1(self):
        return abs(self.x) + abs(self.y)
p = Point(3, -4)
q = p.moved(1, 1)
print(p.x, p.y, q.x, q.y, p.norm1(), q.norm1())
print(Point.dims, p.dims, type(p).__name__, isinstance(p, Point))
p.z = 9
print(p.z, hasattr(q, 'z'), getattr(q, 'z', 'none'))
