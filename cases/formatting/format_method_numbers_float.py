# requires: float
x = 3.5
print('{:.2f}|{:8.3f}|{:<8.1f}|{:^9.2f}|{:+.1f}'.format(x, x, x, x, x))
print('{:08.2f}|{:.0f}|{:e}'.format(-x, 2.5 + 1, 1.5))
print('%.3f|%8.2f|%-8.1f|%+.2f' % (x, x, x, -x))
print(f'{x:.1f} {x * 2:.2f} {x / 7:.3f} {0.125:.3f}')
print('{:.1%}'.format(0.25), '{:%}'.format(0.5))
