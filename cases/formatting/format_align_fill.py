for spec in ('<8', '>8', '^8', '*<8', '*>8', '*^8', '-^9', '08'):
    print(spec, ('[{:' + spec + '}]').format('ab' if spec != '08' else 42))
print('[{:<6}][{:>6}][{:^6}]'.format('x', 'y', 'z'))
print('[{:_^7}][{:0>5}][{:#<4}]'.format('mid', 7, 'a'))
print('[{:>3}]'.format('toolong'))
print('[{:^6}][{:^4}][{:*^6}][{:-^5}]'.format('abc', 'x', 7, ''))
