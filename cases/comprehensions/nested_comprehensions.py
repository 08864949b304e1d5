matrix = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
print([[row[i] for row in matrix] for i in range(3)])
print([x for row in matrix for x in row if x % 2])
print([[x * y for y in range(1, 4)] for x in range(1, 4)])
print({i: [j for j in range(i)] for i in range(4)}[3])
print([(a, b, c) for a in range(1, 13) for b in range(a, 13) for c in range(b, 13) if a * a + b * b == c * c])
