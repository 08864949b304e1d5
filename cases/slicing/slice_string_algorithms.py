def is_pal(s):
    return s == ''.join(reversed(s))
for w in ('level', 'rotor', 'abcd', 'a', ''):
    print(repr(w), is_pal(w))
def rotate(s, k):
    k %= len(s)
    return s[k:] + s[:k]
print(rotate('abcdef', 2), rotate('abcdef', -1), rotate('abcdef', 8))
chunks = ['abcdefghij'[i:i + 3] for i in range(0, 10, 3)]
print(chunks)
