data = [3, 1, 4, 0, 5, 9]
pos = [0]
def reader():
    v = data[pos[0]]
    pos[0] += 1
    return v
try:
    print(list(iter(reader, 0)))
except TypeError as e:
    print(type(e).__name__)
print(pos[0])
class Source:
    def __init__(self):
        self.n = 0
    def __call__(self):
        self.n += 1
        return self.n * self.n
try:
    print(list(iter(Source(), 49)))
except TypeError as e:
    print(type(e).__name__)
out = []
while True:
    v = reader()
    if v == 9:
        break
    out.append(v)
print(out)
