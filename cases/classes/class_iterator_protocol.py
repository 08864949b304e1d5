class Countdown:
    def __init__(self, start):
        self.cur = start
    def __iter__(self):
        return self
    def __next__(self):
        if self.cur <= 0:
            raise StopIteration
        self.cur -= 1
        return self.cur + 1
print(list(Countdown(5)))
c = Countdown(3)
print(next(c), next(c), list(c), list(c))
for x in Countdown(2):
    print('tick', x)
print(sum(Countdown(10)), max(Countdown(4)), sorted(Countdown(3)))
