def source(n):
    for i in range(n):
        yield i
def square(it):
    for x in it:
        yield x * x
def only_even(it):
    for x in it:
        if x % 2 == 0:
            yield x
out = []
for v in only_even(square(source(100))):
    if len(out) == 6:
        break
    out.append(v)
print(out)
print(sum(square(source(10))), max(only_even(source(9))))
print(list(only_even(source(7))), list(square(range(4))))
print(list(square(square(source(4)))))
