print('apple' < 'banana', 'apple' < 'Apple', 'a' < 'aa', '' < 'a')
print('abc' == 'abc', 'abc' != 'abd', 'Z' < 'a', 'b' > 'abc')
words = ['pear', 'Apple', 'fig', 'bananas', 'ki', 'Cherry']
print(sorted(words))
print(sorted(words, key=len))
print(sorted(words, key=lambda w: (len(w), w), reverse=True))
print(min(words), max(words))
