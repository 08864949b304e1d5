class Button:
    def __init__(self, label):
        self.label = label
        self.clicks = 0
    def make_handler(self, suffix):
        def handler():
            self.clicks += 1
            return self.label + suffix + str(self.clicks)
        return handler
b = Button('ok')
h1 = b.make_handler('!')
h2 = b.make_handler('?')
print(h1(), h2(), h1(), b.clicks)
b2 = Button('no')
h3 = b2.make_handler('.')
print(h3(), h1(), b.clicks, b2.clicks)
handlers = [Button(str(i)).make_handler('#') for i in range(3)]
print([h() for h in handlers])
