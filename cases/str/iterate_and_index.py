s = 'python'
print(s[0], s[-1], s[2], len(s))
for i, ch in enumerate(s):
    print(i, ch, ord(ch))
print(list(s), tuple('ab'), list(reversed(s)))
try:
    s[10]
except IndexError as e:
    print(type(e).__name__)
try:
    s[0] = 'P'
except TypeError as e:
    print(type(e).__name__)
