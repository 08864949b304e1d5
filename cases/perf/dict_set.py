# perf: cycles
# One unit: TOTAL keys pushed through a dict and a set in cycles of
# size_for(heap) keys (16 on a 5 KiB heap, 32 from 10 KiB, 64 from 20 KiB: a
# cycle's tables and key strings take about a quarter of the heap). A cycle
# inserts its keys (ints from an LCG, so some repeat; and str(key) into a
# second dict), looks up as many probe keys (about half of them hit) with
# `in`, [], get() and set membership, updates values in place, takes a sorted
# snapshot of the keys, then deletes every key again with del, pop() and
# discard(), so each cycle starts from empty tables. The keys done in a unit
# are the same whatever the cycle size.
#
# check: the tables must be empty after every cycle and each key inserted
# must have been deleted exactly once (the counts must agree); the number of
# distinct inserts, probe hits and a checksum of the values and snapshots
# were computed with CPython for each cycle size (TABLE).

TOTAL = 128
# cycle size: (distinct inserts, hits, checksum) of one unit
TABLE = {16: (127, 128, 432398), 32: (127, 135, 974764), 64: (127, 158, 539728)}


def size_for(heap):
    size = 16
    for n in (32, 64):
        if n * 80 <= heap // 4:
            size = n
    return size


def cycle(seed, size):
    d = {}
    names = {}
    s = set()
    keys = []
    added = 0
    for _ in range(size):
        seed = (seed * 1103 + 12345) & 0xFFFF
        k = seed >> 6
        if k not in d:
            added += 1
            keys.append(k)
            d[k] = 0
            names[str(k)] = k
        d[k] += seed & 15
        s.add(k & 127)
    hits = 0
    sig = 0
    probe = seed
    for _ in range(size):
        probe = (probe * 1103 + 12345) & 0xFFFF
        k = keys[probe % len(keys)] if probe & 1 else probe >> 6
        if k in d:
            hits += 1
            d[k] = d[k] * 3 % 1009
            sig += d[k]
        sig += d.get(k + 1, 7) + names.get(str(k), 0)
        if (k & 127) in s:
            hits += 1
    sig %= 1000003
    for k in sorted(d):
        sig = (sig * 3 + k) % 1000003
    removed = 0
    for i in range(len(keys)):
        k = keys[i]
        if i & 1:
            del d[k]
        else:
            d.pop(k)
        names.pop(str(k))
        s.discard(k & 127)
        removed += 1
    s.discard(-1)
    empty = not d and not names and not s
    return seed, added, removed, empty, hits, sig


def bench(scale, heap):
    size = size_for(heap)
    added = 0
    removed = 0
    empty = True
    hits = 0
    acc = 0
    for _ in range(scale):
        seed = 99
        sig = 0
        for _ in range(TOTAL // size):
            seed, a, r, e, h, g = cycle(seed, size)
            added += a
            removed += r
            empty = empty and e
            hits += h
            sig = (sig * 31 + g) % 1000003
        acc = (acc * 31 + sig) % 1000003
    return size, added, removed, empty, hits, acc


def check(scale, result):
    size = size_for(HIL_HEAP)
    added, hits, sig = TABLE[size]
    acc = 0
    for _ in range(scale):
        acc = (acc * 31 + sig) % 1000003
    return result == (size, added * scale, added * scale, True, hits * scale, acc)
