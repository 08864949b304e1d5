# perf: documents
# One unit: TOTAL records of JSON-like text built, parsed and walked. The
# records come in batches of size_for(heap) (3 on a 5 KiB heap, 6 from 8400
# bytes, 12 from 16800: a parsed record takes about 350 bytes, a batch about a
# quarter of the heap); a batch is one document, a list of records such as
#   {"id": 5, "name": "kalo", "tags": ["mi", "ne"], "at": {"x": -3, "y": 12}}
# which a hand-written parser working on the text's bytes (an explicit
# stack, no recursion: the smallest target allows only a few nested calls)
# turns into lists, dicts, ints and
# strings; a walk (explicit stack again, dict keys sorted) then folds
# everything it finds into a checksum. The records done in a unit are the
# same whatever the batch size.
#
# check: from the record layout, a unit holds 2 * TOTAL dicts, one list per
# batch plus one per record, and 3 * TOTAL ints; the strings' total
# length (STRLEN), the ints' sum (INTSUM) and the checksum (TABLE, one per
# batch size) were computed with CPython, whose json.loads parses the same
# documents to the same values.

TOTAL = 12
SYL = ('ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi')
STRLEN = 246
INTSUM = 713
TABLE = {3: 524865, 6: 748076, 12: 981478}


def size_for(heap):
    size = 3
    for n in (6, 12):
        if n * 350 <= heap // 4:
            size = n
    return size


def make(seed, count):
    parts = ['[']
    for r in range(count):
        seed = (seed * 1103 + 12345) & 0xFFFF
        name = SYL[seed & 7] + SYL[(seed >> 3) & 7]
        tags = []
        for k in range((seed >> 6) % 3):
            tags.append('"' + SYL[(seed >> (9 + 2 * k)) & 7] + '"')
        if r:
            parts.append(', ')
        parts.append('{"id": %d, "name": "%s", "tags": [%s], "at": {"x": %d, "y": %d}}'
                     % (seed % 97, name, ', '.join(tags), (seed >> 5) % 41 - 20, seed % 13))
    parts.append(']')
    return seed, ''.join(parts).encode()


def parse(data):
    # data: the document's bytes (indexing a str is not O(1) where str is
    # unicode); 32 ' ', 44 ',', 58 ':', 123 '{', 125 '}', 91 '[', 93 ']', 34 '"'
    stack = []
    root = None
    key = None
    i = 0
    n = len(data)
    while i < n:
        c = data[i]
        if c == 32 or c == 44 or c == 58:
            i += 1
            continue
        opened = False
        if c == 123:
            val = {}
            opened = True
            i += 1
        elif c == 91:
            val = []
            opened = True
            i += 1
        elif c == 125 or c == 93:
            stack.pop()
            i += 1
            continue
        elif c == 34:
            j = data.index(b'"', i + 1)
            val = data[i + 1:j].decode()
            i = j + 1
        else:
            j = i + 1
            while 48 <= data[j] <= 57:
                j += 1
            val = int(data[i:j])
            i = j
        if not stack:
            root = val
        else:
            top = stack[-1]
            if type(top) is dict:
                if key is None:
                    key = val
                else:
                    top[key] = val
                    key = None
            else:
                top.append(val)
        if opened:
            stack.append(val)
    return root


def walk(root):
    # dicts, lists, ints, sum of ints, length of strings, checksum
    nd = nl = ni = isum = slen = sig = 0
    stack = [root]
    while stack:
        v = stack.pop()
        t = type(v)
        if t is dict:
            nd += 1
            for k in sorted(v):
                slen += len(k)
                sig = (sig * 3 + ord(k[0])) & 0xFFFFF
                stack.append(v[k])
        elif t is list:
            nl += 1
            for x in v:
                stack.append(x)
        elif t is int:
            ni += 1
            isum += v
            sig = (sig * 5 + v) & 0xFFFFF
        else:
            slen += len(v)
            sig = (sig * 7 + ord(v[-1])) & 0xFFFFF
    return nd, nl, ni, isum, slen, sig


def bench(scale, heap):
    size = size_for(heap)
    nd = nl = ni = isum = slen = acc = 0
    for _ in range(scale):
        seed = 7
        sig = 0
        for _ in range(TOTAL // size):
            seed, data = make(seed, size)
            root = parse(data)
            data = None
            d, l, i, s, n, g = walk(root)
            root = None
            nd += d
            nl += l
            ni += i
            isum += s
            slen += n
            sig = (sig * 31 + g) % 1000003
        acc = (acc * 31 + sig) % 1000003
    return size, nd, nl, ni, isum, slen, acc


def check(scale, result):
    size = size_for(HIL_HEAP)
    acc = 0
    for _ in range(scale):
        acc = (acc * 31 + TABLE[size]) % 1000003
    return result == (size, 2 * TOTAL * scale, (TOTAL // size + TOTAL) * scale,
                      3 * TOTAL * scale, INTSUM * scale, STRLEN * scale, acc)
