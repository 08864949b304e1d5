data = [5, 2, 9, 1, 7]
print(sorted(data), data)
print(sorted(data, reverse=True), sorted(data, key=lambda x: -x))
print(sorted('Banana'), sorted(['b', 'A', 'c'], key=str.lower))
print(sorted({3: 'c', 1: 'a', 2: 'b'}.items()), sorted(set('hello')))
print(sorted([(2, 'x'), (1, 'y'), (2, 'a')]), sorted([]))
try:
    sorted([3, 'x'])
except TypeError as e:
    print(type(e).__name__)
