rows = [('widget', 4, 250), ('gadget', 12, 1999), ('gizmo', 1, 75)]
print('%-8s %5s %8s' % ('item', 'qty', 'cents'))
print('-' * 23)
total = 0
for name, qty, cents in rows:
    line = qty * cents
    total += line
    print('%-8s %5d %8d' % (name, qty, line))
print('-' * 23)
print('%-8s %5s %8d' % ('total', '', total))
print('{:>23}'.format('%d.%02d' % divmod(total, 100)))
