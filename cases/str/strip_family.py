s = '\t  hello world \n '
print(repr(s.strip()), repr(s.lstrip()), repr(s.rstrip()))
print(repr('xxhixx'.strip('x')), repr('abcHIcba'.strip('abc')))
print(repr('--==data==--'.lstrip('-=')), repr('--==data==--'.rstrip('=-')))
print(repr(''.strip()), repr('   '.strip()), repr('a'.strip('a')))
