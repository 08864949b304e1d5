# perf: frames
# One unit: a 16 x 9 pixel frame of the Mandelbrot set over re -2.0 .. 0.5,
# im -1.0 .. 1.0, at most 24 iterations a pixel, in fixed point with 12
# fraction bits (ints only: no float on the smallest target). Products stay
# below 2**30: a point is dropped once |z|**2 > 4, so |z| < 6.5 when squared.
# Fixed size whatever the heap: no data but a few ints.
#
# check: a frame has 48 pixels that never escape (the same 48 as a float
# computation of the grid gives), 1575 iterations in all (float: 1574, one
# rounding step apart), and a checksum of the per-pixel counts in scan order,
# 973557 (computed with CPython); the checksums of the frames are chained.

W = 16
H = 9
MAXIT = 24
INSIDE = 48
ITERS = 1575
SIG = 973557
P = 1000003


def frame(w, h, maxit):
    inside = 0
    total = 0
    sig = 0
    for py in range(h):
        cy = -4096 + py * 8192 // (h - 1)
        for px in range(w):
            cx = -8192 + px * 10240 // (w - 1)
            x = 0
            y = 0
            i = 0
            while i < maxit:
                x2 = (x * x) >> 12
                y2 = (y * y) >> 12
                if x2 + y2 > 16384:
                    break
                y = ((x * y) >> 11) + cy
                x = x2 - y2 + cx
                i += 1
            if i == maxit:
                inside += 1
            total += i
            sig = (sig * 3 + i) % P
    return inside, total, sig


def bench(scale, heap):
    inside = 0
    total = 0
    acc = 0
    for _ in range(scale):
        n, t, sig = frame(W, H, MAXIT)
        inside += n
        total += t
        acc = (acc * 31 + sig) % P
    return inside, total, acc


def check(scale, result):
    acc = 0
    for _ in range(scale):
        acc = (acc * 31 + SIG) % P
    return result == (INSIDE * scale, ITERS * scale, acc)
