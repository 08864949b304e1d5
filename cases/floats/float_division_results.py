# requires: double
for a in (1, 2, 10, 22, 355):
    for b in (3, 7, 113):
        q = a / b
        print(a, b, '%.12g' % q, '%.6e' % q, round(q * b) == a)
print(1 / 3, 2 / 3, 22 / 3, 2 / 7)
