# requires: double
x = 12345.678
print('%e' % x, '%E' % x, '%.2e' % x)
print('%g' % x, '%g' % 0.0001234, '%g' % 1e20, '%G' % 1e-10)
print('%.3g' % x, '%.10g' % x)
print('%f' % x, '%.1f' % x, '%10.2f|' % x, '%-10.2f|' % x)
print('{:e}'.format(x), '{:.3g}'.format(x), '{:.4f}'.format(-x))
