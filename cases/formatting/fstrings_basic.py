name = 'World'
n = 7
items = [1, 2, 3]
print(f'Hello, {name}!')
print(f'{n} squared is {n * n}, half is {n // 2}')
print(f'{len(items)} items, last {items[-1]}, sum {sum(items)}')
print(f'{name.upper()} {name[1:3]} {"quoted"} {n > 5}')
print(f'{n:>5}|{n:<5}|{n:05d}|{n:x}|{name:*^11}')
print(f'{{literal}} {n}{n}')
print(f'{name!r} {n!s}')
