# Float floor division and modulo, nothing printed.
a = 7.5
for i in range(100):
    q = a // 2.0
    r = a % 2.0
print(int(q), int(r))
