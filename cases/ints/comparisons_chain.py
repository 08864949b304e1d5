a, b, c = 3, 7, 7
print(a < b, a > b, a <= b, b >= c, b == c, a != c)
print(a < b < 10, a < b <= c, a < b < c, 0 < a == 3)
print(1 < 2 > 1, 5 > 4 > 3 > 2, 5 > 4 > 4)
calls = []
def v(x):
    calls.append(x)
    return x
print(v(1) < v(0) < v(5))
print(calls)
print(-5 < -4, -2147 < 2147, 0 == -0)
