def fact(n):
    if n < 2:
        return 1
    return n * fact(n - 1)


print(fact(5))
data = b'\x00\x01abc'
print(len(data))
flag = not (1 > 2) and (3 >= 3 or 0)
print(flag)
