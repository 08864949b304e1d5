# requires: bigint
def fact(n):
    r = 1
    for i in range(2, n + 1):
        r *= i
    return r

print(fact(20))
print(fact(30))
f = fact(100)
s = str(f)
print(len(s), s[:20], s[-30:])
print(f // fact(98))
print(sum(int(c) for c in s))
