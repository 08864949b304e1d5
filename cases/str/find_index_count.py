s = 'the quick brown fox jumps over the lazy dog'
print(s.find('the'), s.find('the', 1), s.rfind('the'), s.find('cat'))
print(s.find('o', 15, 30), s.rfind('o', 0, 20))
print(s.index('fox'), s.rindex('o'), s.count('o'), s.count('the'), s.count(''))
print('aaaa'.count('aa'), 'abc'.find(''), 'abc'.rfind(''))
try:
    s.index('cat')
except ValueError as e:
    print(type(e).__name__)
print('fox' in s, 'dog ' in s, '' in s)
