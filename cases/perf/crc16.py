# perf: streams
# One unit: the CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF,
# bit by bit, no table) of the nine bytes "123456789" and of a stream of
# TOTAL bytes from an LCG, produced and checksummed in a bytearray buffer of
# size_for(heap) bytes: the largest of 128, 256, 384 not above heap // 32
# (128 on a 5 KiB heap, 256 from 8 KiB, 384 from 12 KiB).
# The CRC runs on across the buffers, so the result does not depend on the
# buffer size, and the work is the same on every target.
#
# check: the CRC of "123456789" must be 0x29B1, the published check value of
# CRC-16/CCITT-FALSE; the stream's CRC must be STREAM, computed with CPython's
# binascii.crc_hqx (a C implementation, table-driven) from 0xFFFF; the
# streams' CRCs of the units are chained.

TOTAL = 384
STREAM = 34043


def size_for(heap):
    size = 128
    for n in (256, 384):
        if n <= heap // 32:
            size = n
    return size


def crc16(crc, data, n):
    for i in range(n):
        crc ^= data[i] << 8
        for _ in range(8):
            if crc & 0x8000:
                crc = ((crc << 1) ^ 0x1021) & 0xFFFF
            else:
                crc = (crc << 1) & 0xFFFF
    return crc


def bench(scale, heap):
    size = size_for(heap)
    buf = bytearray(size)
    known = 0
    acc = 0
    for _ in range(scale):
        known = crc16(0xFFFF, b'123456789', 9)
        crc = 0xFFFF
        seed = 1
        done = 0
        while done < TOTAL:
            n = TOTAL - done
            if n > size:
                n = size
            for i in range(n):
                seed = (seed * 75 + 74) % 65537
                buf[i] = seed & 0xFF
            crc = crc16(crc, buf, n)
            done += n
        acc = (acc * 31 + crc) % 1000003
    return known, acc


def check(scale, result):
    acc = 0
    for _ in range(scale):
        acc = (acc * 31 + STREAM) % 1000003
    return result == (0x29B1, acc)
