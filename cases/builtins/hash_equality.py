print(hash('abc') == hash('abc'), hash('abc') == hash('ab' + 'c'))
print(hash(12) == hash(12), hash((1, 2)) == hash((1, 2)), hash(0) == hash(False))
print(hash(1) == hash(True), hash(b'x') == hash(b'x'))
try:
    hash([1])
except TypeError as e:
    print(type(e).__name__)
try:
    hash({})
except TypeError as e:
    print(type(e).__name__)
d = {'k' + 'ey': 1}
print(d['key'], d.get('ke' + 'y'))
