pairs = {'b': 2, 'a': 1, 'c': 3}
print(', '.join('%s=%d' % kv for kv in sorted(pairs.items())))
print('; '.join('{}:{}'.format(k, v) for k, v in sorted(pairs.items())))
print(' '.join(f'<{k}{v}>' for k, v in sorted(pairs.items())))
print('|'.join('{:03d}'.format(i) for i in range(5)))
print('{:x}'.format(255), '{:>3}'.format('s'), '{}'.format(7), '{:+d}'.format(-3))
