# requires: bigint
x = 1
seen = []
for i in range(70):
    x *= 2
    if i % 10 == 9:
        seen.append(x)
print(seen)
y = 0x3FFFFFFF
y = y * y * y
print(y)
print(y // 0x3FFFFFFF // 0x3FFFFFFF == 0x3FFFFFFF)
z = -0x40000000
print(z * 4, z - 0x40000000, z * z)
