names = ['ann', 'bob', 'cy']
for i, n in enumerate(names):
    print(i, n)
print(list(enumerate(names, 1)), list(enumerate('xy', start=10)))
ages = [31, 25]
print(list(zip(names, ages)))
print(list(zip(names, ages, 'pq')), list(zip()), list(zip('abc')))
keys, vals = zip(*[('a', 1), ('b', 2), ('c', 3)])
print(keys, vals)
print(dict(zip(names, range(3))) == {'ann': 0, 'bob': 1, 'cy': 2})
