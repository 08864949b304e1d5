e0 = Exception()
e1 = Exception('one')
e2 = Exception('two', 2)
print(e0.args, e1.args, e2.args)
print(repr(str(e0)), str(e1), str(e2))
v = ValueError(42)
print(v.args, str(v), type(v).__name__)
k = KeyError('key')
print(k.args)
class Custom(Exception):
    def __str__(self):
        return 'custom:' + str(len(self.args))
print(str(Custom(1, 2, 3)), Custom('x').args)
