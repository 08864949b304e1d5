# perf: boards
# One unit: find every solution of the 7-queens puzzle (a 7x7 board).
# Iterative backtracking over bit masks (no recursion: the smallest target
# allows only a few nested calls). The board size is the same whatever the
# heap size: the search needs a few short lists.
#
# check: 7 queens have 40 solutions. Each solution is also folded into a
# signature (sum over solutions of s, s = s * 3 + (1 << column) row by row,
# mod 1000003) whose value, 759960, was computed with CPython by brute force
# over itertools.permutations; the signatures of the units are chained.

N = 7
SOLUTIONS = 40
SIGNATURE = 759960
P = 1000003


def solve(n):
    full = (1 << n) - 1
    cols = [0] * n
    diag1 = [0] * n
    diag2 = [0] * n
    avail = [0] * n
    pos = [0] * n
    count = 0
    sig = 0
    last = n - 1
    row = 0
    avail[0] = full
    while row >= 0:
        bits = avail[row]
        if bits == 0:
            row -= 1
            continue
        bit = bits & -bits
        avail[row] = bits ^ bit
        pos[row] = bit
        if row == last:
            count += 1
            s = 0
            for b in pos:
                s = s * 3 + b
            sig = (sig + s) % P
            continue
        c = cols[row] | bit
        d1 = ((diag1[row] | bit) << 1) & full
        d2 = (diag2[row] | bit) >> 1
        row += 1
        cols[row] = c
        diag1[row] = d1
        diag2[row] = d2
        avail[row] = full & ~(c | d1 | d2)
    return count, sig


def bench(scale, heap):
    total = 0
    acc = 0
    for _ in range(scale):
        count, sig = solve(N)
        total += count
        acc = (acc * 31 + sig) % P
    return total, acc


def check(scale, result):
    acc = 0
    for _ in range(scale):
        acc = (acc * 31 + SIGNATURE) % P
    return result == (SOLUTIONS * scale, acc)
