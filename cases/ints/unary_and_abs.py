for x in (0, 1, -1, 42, -42, 0x3FFFFFFF, -0x3FFFFFFF):
    print(x, -x, +x, abs(x), ~x)
print(-(-(-5)), --5, -+-5)
