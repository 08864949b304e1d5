d = {'k': 'v', 'n': 3}
xs = [4, 5, 6]
print(f"{d['k']} {d['n'] * 2} {xs[1:]}")
print(f'{"yes" if d["n"] > 2 else "no"} {len(xs) and xs[0]}')
print(f'{[x * 2 for x in xs]} {sum(x for x in xs)}')
neg = lambda v: -v
print(f'{neg(41)} {max(xs, key=neg)} {min(xs)}')
print(f'{3}{"+"}{4}={3 + 4}')
print(f'{xs!r:>12}|')
