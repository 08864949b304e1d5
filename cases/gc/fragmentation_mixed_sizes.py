# requires: module:gc
import gc
blocks = []
for i in range(12):
    blocks.append(bytearray(48 if i % 2 else 8))
for i in range(0, 12, 2):
    blocks[i] = None
gc.collect()
for i in range(0, 12, 2):
    blocks[i] = bytearray(24)
    blocks[i][0] = i
print([len(b) for b in blocks])
print([b[0] for b in blocks[::2]])
words = []
for i in range(30):
    words.append('w' * (i % 7 + 1))
    if len(words) > 10:
        words.pop(0)
print(words)
