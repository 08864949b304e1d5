# A generator resumed by send().
def counter():
    cur = 0
    while True:
        cmd = yield cur
        cur += cmd
c = counter()
next(c)
for i in range(100):
    x = c.send(1)
print(x)
