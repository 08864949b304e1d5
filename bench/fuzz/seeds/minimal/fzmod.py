NAME = 'fzmod'
seen = 'none'


def twice(n):
    return n * 2


def note(text):
    global seen
    seen = text


def last():
    return seen


class Counter:
    def __init__(self):
        self.total = 0

    def add(self, n):
        self.total = self.total + n
