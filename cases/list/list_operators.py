a = [1, 2]
b = a + [3, 4]
print(b, a * 3, [0] * 5, [] * 10, 2 * ['x'])
a += [9]
print(a)
a *= 2
print(a)
print(3 in b, 7 in b, 7 not in b, len(b))
print(list(range(5)), list('hey'), list((1, 2)))
try:
    [1] + (2,)
except TypeError as e:
    print(type(e).__name__)
