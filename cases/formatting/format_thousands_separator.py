for n in (0, 999, 1000, 1234567, -7654321):
    print('{:,}'.format(n), '{:>12,}'.format(n))
print(f'{10 ** 6:,}')
