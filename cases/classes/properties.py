class Account:
    def __init__(self, balance):
        self._balance = balance
        self.log = []
    @property
    def balance(self):
        self.log.append('get')
        return self._balance
    @balance.setter
    def balance(self, value):
        if value < 0:
            raise ValueError('negative balance')
        self.log.append('set')
        self._balance = value
    @property
    def doubled(self):
        return self._balance * 2
a = Account(10)
print(a.balance, a.doubled)
a.balance = 25
print(a.balance, a.log)
try:
    a.balance = -1
except ValueError as e:
    print('rejected', e)
try:
    a.doubled = 3
except AttributeError as e:
    print(type(e).__name__)
print(a.balance)
