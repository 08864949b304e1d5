# requires: unicode
s = 'na\u00efve \u65e5\u672c \u00fc'
print(len(s), s[2], s[6], s[-1])
print([ord(c) for c in s[5:8]])
print(chr(233), chr(0x65e5), chr(0x1F600) == '\U0001F600')
print(s.find('\u65e5'), '\u672c' in s, len(s.split(' ')))
print(''.join(reversed(s)))
print(len(s.encode()), s.encode()[:4])
print('\u00e9' < '\u00ea', ''.join(sorted(['\u00fc', 'z', 'a'])))
