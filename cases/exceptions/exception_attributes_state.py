class Retry(Exception):
    def __init__(self, attempts):
        super().__init__('retry after %d' % attempts)
        self.attempts = attempts
def work(limit):
    attempts = 0
    while True:
        attempts += 1
        try:
            if attempts < limit:
                raise Retry(attempts)
            return attempts
        except Retry as r:
            print('retrying', r.attempts, r.args[0])
print('result', work(3))
print('result', work(1))
