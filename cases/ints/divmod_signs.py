for a in (17, -17, 3, -3, 0):
    for b in (5, -5, 1, -1):
        print(a, b, divmod(a, b))
