class Stack(list):
    def push(self, x):
        self.append(x)
    def peek(self):
        return self[-1]
s = Stack()
s.push(1)
s.push(2)
s.push(3)
print(s.peek(), len(s), s.pop(), list(s), isinstance(s, list))
class Registry(dict):
    def register(self, k):
        self[k] = len(self)
r = Registry()
for k in 'xyz':
    r.register(k)
print(sorted(r.items()), len(r), 'y' in r)
class MyErr(ValueError):
    pass
print(issubclass(MyErr, ValueError), issubclass(MyErr, Exception))
