w = 8
for v in (5, 123, -42):
    print(f'[{v:>{w}}] [{v:<{w}}] [{v:^{w}}]')
fill = '0'
print(f'[{42:{fill}>6}]')
rows = [('apple', 3), ('kiwi', 12), ('fig', 150)]
width = max(len(r[0]) for r in rows)
for label, qty in rows:
    print(f'{label:<{width}} | {qty:>4}')
