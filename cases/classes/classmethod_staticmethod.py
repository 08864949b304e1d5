class Temp:
    count = 0
    def __init__(self, deg):
        self.deg = deg
        Temp.count += 1
    @classmethod
    def from_string(cls, s):
        return cls(int(s.rstrip('C')))
    @staticmethod
    def is_valid(s):
        return s.endswith('C') and s[:-1].lstrip('-').isdigit()
    @classmethod
    def made(cls):
        return cls.count
class Sub(Temp):
    pass
t = Temp.from_string('21C')
s = Sub.from_string('-5C')
print(t.deg, s.deg, type(s).__name__, Temp.made(), Sub.made())
print(Temp.is_valid('30C'), Temp.is_valid('x'), t.is_valid('-3C'))
print(Temp.count, Sub.count, Temp.from_string('0C').deg, Temp.made())
f = Temp.is_valid
print(f('12C'), f('12F'), [Temp.is_valid(x) for x in ('1C', 'C', '-C')])
