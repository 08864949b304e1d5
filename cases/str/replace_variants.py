s = 'spam and eggs and spam'
print(s.replace('spam', 'ham'))
print(s.replace('spam', 'ham', 1))
print(s.replace(' ', ''))
print(s.replace('and', 'AND', 0))
print('aaa'.replace('a', 'bb'), 'abc'.replace('', '-'))
print('xyz'.replace('q', 'w'), ''.replace('', 'k'))
