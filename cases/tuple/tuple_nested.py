t = ((1, 2), (3, (4, 5)), ())
print(t[1][1][0], len(t[2]), t[0] + t[1])
inner = [1]
holder = (inner, 2)
inner.append(3)
print(holder)
print(tuple(x * 2 for x in range(4)), tuple(sorted((3, 1, 2))))
print(tuple(reversed((1, 2, 3))), sum((1, 2, 3)))
