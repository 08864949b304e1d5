text = 'the cat and the hat and the bat sat on the mat'
counts = {}
for w in text.split():
    counts[w] = counts.get(w, 0) + 1
for w, c in sorted(counts.items()):
    print(w, c)
print(max(counts, key=lambda k: (counts[k], k)))
