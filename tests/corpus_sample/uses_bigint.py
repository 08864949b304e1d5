print(2 ** 70 + 1)
