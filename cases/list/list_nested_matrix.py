m = [[r * 3 + c for c in range(3)] for r in range(3)]
print(m)
t = [list(row) for row in zip(*m)]
print(t)
print([m[i][i] for i in range(3)], sum(sum(r) for r in m))
m[1][1] = -1
print(m[1], [row[1] for row in m])
flat = [x for row in m for x in row]
print(flat, len(flat))
