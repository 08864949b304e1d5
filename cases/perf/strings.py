# perf: documents
# One unit: TOTAL words of text built and taken apart. The words are made
# from syllables by a small LCG and come in batches of size_for(heap) words
# (24 on a 5 KiB heap, 48 from 19200 bytes, 96 from 38400: a batch's strings
# take about a quarter of the heap); each batch is joined into lines and a
# document, then split back, upper-cased, searched (find, rfind, count, in,
# startswith, endswith), replaced, sliced, stripped and %-formatted. The
# words done in a unit are the same whatever the batch size.
#
# check: the words a unit splits back out must number TOTAL; their lines'
# characters (908) and the search matches (154) do not depend on the batch
# size; a checksum of lengths, positions and characters read was computed
# with CPython for each batch size (TABLE); the units' checksums are chained.

TOTAL = 192
SYL = ('ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi')
CHARS = 908    # characters in the TOTAL words' lines, spaces included
FOUND = 154    # matches of the searches in them
# batch size: checksum of one unit (the batches' checksums chained)
TABLE = {24: 742967, 48: 304836, 96: 31816}


def size_for(heap):
    batch = 24
    for size in (48, 96):
        if size * 100 <= heap // 4:
            batch = size
    return batch


def batch(seed, count):
    words = []
    for _ in range(count):
        seed = (seed * 1103 + 12345) & 0xFFFF
        w = SYL[seed & 7]
        for k in range((seed >> 3) % 3):
            w += SYL[(seed >> (6 + 3 * k)) & 7]
        words.append(w)
    lines = []
    for i in range(0, count, 6):
        lines.append(' '.join(words[i:i + 6]))
    words = None
    doc = '\n'.join(lines) + '\n'
    lines = None
    nwords = 0
    chars = 0
    found = 0
    sig = 0
    for line in doc.split('\n'):
        if not line:
            continue
        parts = line.split()
        nwords += len(parts)
        up = line.upper()
        chars += len(up)
        sig = (sig * 7 + up.find('MI') + up.rfind('SA') + ord(up[-1])) & 0xFFFFF
        found += line.count('ka') + ('to' in line)
        for p in parts:
            if p.startswith('ru') or p.endswith('vi'):
                found += 1
        r = line.replace('ne', '-').strip('kv')
        sig = (sig * 5 + len(r) + ord(r[len(r) // 2])) & 0xFFFFF
        tag = '%s:%d/%s' % (parts[0], len(parts), parts[-1][:3])
        sig = (sig * 3 + len(tag) + tag.index(':')) & 0xFFFFF
    return seed, nwords, chars, found, sig


def bench(scale, heap):
    size = size_for(heap)
    nwords = 0
    chars = 0
    found = 0
    acc = 0
    for _ in range(scale):
        seed = 2024
        sig = 0
        for _ in range(TOTAL // size):
            seed, n, c, f, s = batch(seed, size)
            nwords += n
            chars += c
            found += f
            sig = (sig * 31 + s) % 1000003
        acc = (acc * 31 + sig) % 1000003
    return size, nwords, chars, found, acc


def check(scale, result):
    size = size_for(HIL_HEAP)
    sig = TABLE[size]
    acc = 0
    for _ in range(scale):
        acc = (acc * 31 + sig) % 1000003
    return result == (size, TOTAL * scale, CHARS * scale, FOUND * scale, acc)
