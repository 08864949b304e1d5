print(ord('A'), ord('a'), ord('0'), ord(' '), ord('\n'), ord('~'))
print(chr(65), chr(97), chr(48), repr(chr(10)), chr(126))
print(''.join(chr(ord(c) + 1) for c in 'HAL'))
print([ord(c) - ord('a') for c in 'hello'])
caesar = ''.join(chr((ord(c) - 97 + 13) % 26 + 97) for c in 'python')
print(caesar)
try:
    ord('ab')
except TypeError as e:
    print(type(e).__name__)
