s = 'Hello World 42'
print(s.upper(), s.lower())
for t in ('abc', 'ABC', 'aBc', '123', 'a1', '', '   ', ' \t\n', 'Abc1'):
    print(repr(t), t.isalpha(), t.isdigit(), t.isspace(), t.isupper(), t.islower())
