# requires: str-partition
print('key=value=more'.partition('='))
print('key=value=more'.rpartition('='))
print('novalue'.partition('='))
print('novalue'.rpartition('='))
print('=start'.partition('='), 'end='.rpartition('='))
k, _, v = 'width: 42'.partition(': ')
print(k, int(v) + 1)
