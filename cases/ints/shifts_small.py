for n in range(0, 30, 3):
    print(n, 1 << n, (1 << n) >> n, 1000000 >> n)
print(-1 >> 1, -1 >> 20, -8 >> 1, -9 >> 1, -9 >> 2)
print(-3 << 4, 5 << 0, 0 << 25)
try:
    print(1 << -1)
except ValueError as e:
    print(type(e).__name__)
try:
    print(1 >> -1)
except ValueError as e:
    print(type(e).__name__)
