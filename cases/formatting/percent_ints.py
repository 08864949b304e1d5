n = 42
print('%d|%5d|%-5d|%05d|%+d|% d' % (n, n, n, n, n, n))
print('%d|%5d|%-5d|%05d|%+d|% d' % (-n, -n, -n, -n, -n, -n))
print('%x|%X|%o|%#x|%#o|%#X' % (255, 255, 8, 255, 8, 255))
print('%i %u' % (7, 9))
print('%c%c%c' % (72, 105, 33), '%c' % 'z')
print('100%% sure', '%d%%' % 50)
