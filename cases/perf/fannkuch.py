# perf: runs
# One unit: a complete fannkuch-redux run for n = 5: every permutation of
# 0..4 is generated in the benchmark's usual order and its prefix flipped
# until 0 comes first. Fixed size whatever the heap (three lists of 5 ints);
# n = 6 would take seven times longer, 0.2 s on a 64 MHz Cortex-M0.
#
# check: the published fannkuch-redux results for n = 5 are checksum 11 and
# maximum flips 7 (n = 6: 49 and 10; n = 7: 228 and 16, which this code also
# gives); a run visits 5! = 120 permutations.

N = 5
CHECKSUM = 11
MAXFLIPS = 7


def fannkuch(n):
    perm1 = list(range(n))
    perm = [0] * n
    count = [0] * n
    maxflips = 0
    checksum = 0
    sign = 1
    perms = 0
    r = n
    while True:
        while r != 1:
            count[r - 1] = r
            r -= 1
        perms += 1
        k = perm1[0]
        if k:
            for i in range(n):
                perm[i] = perm1[i]
            flips = 0
            while k:
                i = 0
                j = k
                while i < j:
                    t = perm[i]
                    perm[i] = perm[j]
                    perm[j] = t
                    i += 1
                    j -= 1
                flips += 1
                k = perm[0]
            if flips > maxflips:
                maxflips = flips
            checksum += sign * flips
        sign = -sign
        while True:
            if r == n:
                return checksum, maxflips, perms
            perm0 = perm1[0]
            i = 0
            while i < r:
                perm1[i] = perm1[i + 1]
                i += 1
            perm1[r] = perm0
            count[r] -= 1
            if count[r] > 0:
                break
            r += 1


def bench(scale, heap):
    checksum = 0
    maxflips = 0
    perms = 0
    for _ in range(scale):
        c, m, p = fannkuch(N)
        checksum += c
        perms += p
        if m > maxflips:
            maxflips = m
    return checksum, maxflips, perms


def check(scale, result):
    return result == (CHECKSUM * scale, MAXFLIPS, 1 * 2 * 3 * 4 * 5 * scale)
