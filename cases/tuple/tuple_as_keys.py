grid = {}
for r in range(3):
    for c in range(3):
        grid[(r, c)] = r * 10 + c
print(grid[(1, 2)], grid[2, 0], (3, 3) in grid, len(grid))
print(sorted(k for k in grid if k[0] == k[1]))
print(hash((1, 2)) == hash((1, 2)), (1, 2) == tuple([1, 2]))
s = {(1, 2), (2, 1), (1, 2)}
print(sorted(s))
try:
    {([1],): 1}
except TypeError as e:
    print(type(e).__name__)
