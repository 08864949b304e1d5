# perf: passes
# One unit: a pass of LOOPS iterations of a Dhrystone-style loop of integer
# arithmetic, record (class instance) creation and field updates, string
# assignment and comparison, chr/ord, globals and list-of-list updates.
# Calls nest at most two deep below bench (the smallest target's C stack
# allows only a few nested Python calls), so Dhrystone's deeper helpers are
# written inline; names are short because every name costs heap when the
# program loads. Fixed size whatever the heap: a 10-int list, a 10 x 10 list
# of lists and a few records.
#
# check: the loop leaves known values behind, like Dhrystone's "should be"
# list: g_int 5, g_bool True, g_c1 'A', g_c2 'B', a1[8] 7, the global record's
# fields (ID1, ID3, 17, S1), and a2[8][7], which each iteration increments, is
# 10 + LOOPS * scale. Also the last iteration's counters (7, 39, 9) and a
# checksum of the characters read (SIG per pass, computed with CPython,
# chained over the passes).

LOOPS = 100
SIG = 52624
ID1 = 1
ID2 = 2
ID3 = 3
ID4 = 4
S1 = "DHRYSTONE PROGRAM, 1'ST STRING"
S2 = "DHRYSTONE PROGRAM, 2'ND STRING"


class Rec:
    link = None
    kind = 0
    enum = 0
    num = 0
    text = ''


g_int = 0
g_bool = False
g_c1 = ''
g_c2 = ''


def proc1(rec):
    nxt = Rec()
    nxt.link = rec.link
    nxt.kind = rec.kind
    nxt.enum = rec.enum
    nxt.text = rec.text
    rec.link = nxt
    rec.num = 5
    nxt.num = rec.num
    rec.num = g_int + 12
    if nxt.kind == ID1:
        nxt.num = 6
        nxt.enum = proc6(rec.enum)
        nxt.link = rec.link
        nxt.num += 12
    else:
        rec = nxt
    nxt.link = None
    return rec


def proc2(v):
    loc = v + 10
    e = 0
    while True:
        if g_c1 == 'A':
            loc -= 1
            v = loc - g_int
            e = ID1
        if e == ID1:
            return v


def proc6(e):
    r = e
    if e != ID3:
        r = ID4
    if e == ID1:
        r = ID1
    elif e == ID2:
        r = ID1 if g_int > 100 else ID4
    elif e == ID3:
        r = ID2
    return r


def proc8(a1, a2, p1, p2):
    global g_int
    loc = p1 + 5
    a1[loc] = p2
    a1[loc + 1] = a1[loc]
    a1[loc - 7] = loc
    row = a2[loc]
    for i in range(loc, loc + 2):
        row[i] = loc
    row[loc - 1] += 1
    a2[loc - 7][loc] = a1[loc]
    g_int = 5


def func1(c1, c2):
    if c1 != c2:
        return ID1
    return ID2


def func2(s1, s2):
    loc = 1
    c = 'A'
    while loc <= 1:
        if func1(s1[loc], s2[loc + 1]) == ID1:
            c = 'A'
            loc += 1
    if 'W' <= c <= 'Z':
        loc = 7
    if c == 'X':
        return True
    return s1 > s2


def bench(scale, heap):
    global g_bool, g_c1, g_c2
    a1 = [0] * 10
    a2 = [[0] * 10 for _ in range(10)]
    a2[8][7] = 10
    rec = Rec()
    rec.link = Rec()
    rec.kind = ID1
    rec.enum = ID3
    rec.num = 40
    rec.text = S1
    i1 = i2 = i3 = 0
    sigs = 0
    for _ in range(scale):
        sig = 0
        for _ in range(LOOPS):
            g_c1 = 'A'
            g_bool = False
            g_bool = g_c1 == 'A' or g_bool
            g_c2 = 'B'
            i1 = 2
            i2 = 3
            text = S2
            e = ID2
            g_bool = not func2(S1, text)
            while i1 < i2:
                i3 = 5 * i1 - i2
                i3 = i1 + i2 + 2
                i1 += 1
            proc8(a1, a2, i1, i3)
            rec = proc1(rec)
            c = 'A'
            while c <= g_c2:
                if e == func1(c, 'C'):
                    e = proc6(ID1)
                c = chr(ord(c) + 1)
            i3 = i2 * i1
            i2 = i3 // i1
            i2 = 7 * (i3 - i2) - i1
            i1 = proc2(i1)
            sig = (sig * 7 + len(text) + ord(text[i1 + 20]) + e) & 0xFFFF
        sigs = (sigs * 31 + sig) % 1000003
    return (g_int, g_bool, g_c1, g_c2, a1[8], a2[8][7],
            rec.kind, rec.enum, rec.num, rec.text, i1, i2, i3, sigs)


def check(scale, result):
    sigs = 0
    for _ in range(scale):
        sigs = (sigs * 31 + SIG) % 1000003
    return result == (5, True, 'A', 'B', 7, 10 + LOOPS * scale,
                      ID1, ID3, 17, S1, 7, 39, 9, sigs)
