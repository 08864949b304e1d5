def gcd(a, b):
    while b:
        a, b = b, a % b
    return abs(a)

def lcm(a, b):
    return a // gcd(a, b) * b

print(gcd(48, 18), gcd(-48, 18), gcd(17, 5), gcd(0, 9))
print(lcm(4, 6), lcm(21, 6), lcm(7, 13))
acc = 1
for k in range(1, 21):
    acc = lcm(acc, k)
print(acc)
print(gcd(1071, 462), gcd(2 * 3 * 5 * 7 * 11, 3 * 7 * 13))
