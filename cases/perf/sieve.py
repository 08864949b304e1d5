# perf: sieves
# One unit: a segmented sieve of Eratosthenes over 0 .. N-1 (N = 2000): the
# primes below sqrt(N) from a small sieve, then the range in segments, each a
# new bytearray (one byte a number) whose multiples are marked and whose
# primes are counted and summed. The work is the same on every target; the
# segment size is a pure function of the heap, size_for(heap): the largest of
# 500, 1000, 2000 that takes at most a fifth of the heap (1000 on a 5 KiB
# heap, so two segments; the whole range in one from a 10 KiB heap up).
#
# check: below 2000 there are 303 primes and they sum to 277050; the blocks
# of 500 numbers hold 95, 73, 71 and 64 of them (all from CPython, by trial
# division). The per-segment counts are returned and must be the sums of
# those blocks for the segment size size_for(HIL_HEAP) gives.

N = 2000
PRIMES = 303
SUM = 277050
# the primes in each block of 500 numbers below 2000
PER_500 = (95, 73, 71, 64)


def size_for(heap):
    seg = 500
    for size in (1000, 2000):
        if size <= heap // 5:
            seg = size
    return seg


def sieve(n, seg):
    r = 2
    while r * r < n:
        r += 1
    small = bytearray(r)
    primes = []
    for i in range(2, r):
        if not small[i]:
            primes.append(i)
            for j in range(i * i, r, i):
                small[j] = 1
    counts = []
    total = 0
    lo = 0
    while lo < n:
        hi = lo + seg
        if hi > n:
            hi = n
        flags = bytearray(hi - lo)
        for p in primes:
            j = (lo + p - 1) // p * p
            if j < p * p:
                j = p * p
            while j < hi:
                flags[j - lo] = 1
                j += p
        count = 0
        for k in range(2 if lo < 2 else lo, hi):
            if not flags[k - lo]:
                count += 1
                total += k
        counts.append(count)
        lo = hi
    return counts, total


def bench(scale, heap):
    seg = size_for(heap)
    counts = None
    total = 0
    for _ in range(scale):
        counts, t = sieve(N, seg)
        total += t
        total %= 1000003
    return seg, counts, total


def check(scale, result):
    seg = size_for(HIL_HEAP)
    step = seg // 500
    counts = [sum(PER_500[i:i + step]) for i in range(0, len(PER_500), step)]
    return result == (seg, counts, SUM * scale % 1000003) and sum(counts) == PRIMES
