s = 'abc'
t = s
s += 'def'
print(s, t, s is not t)
u = s.upper()
print(u, s)
chars = list(s)
chars[0] = 'X'
print(''.join(chars), s)
print(s[1:4], s[-2:], s.upper().lower() == s)
