"""The toy VM's runner: a Python process that speaks the booter protocol on stdin/stdout.

What a booter does (docs/protocol.md), in a few lines of Python: announce
INFO, take a blob in LOAD and DATA frames, answer ACK until it is whole, then
RUNNING, the program's OUT and TRACE, and its STATUS. The "VM" is this
Python: a blob is ``TOY1``, the program's name, a NUL, its source; it runs
with ``exec`` in a fresh namespace. Its cycle count is exact, as an
emulator's: the lines the program ran, each ``LINE_CYCLES``; ``JITTER``
adds a spread to every other run, as a noisy board has one.
"""

import contextlib
import io
import os
import struct
import sys
import traceback
import zlib

from harness.transports import booter as proto

LINE_CYCLES = 10   # what one line of the program costs
JITTER = 0         # cycles added to every other run
runs = 0

INFO = ("vm=toyvm version=0.1 toy=1 features=core,float,bigint heap=1048576 chunk=256 clock=1000000000 "
        f"build={os.environ.get('TOY_BUILD', 'toy')} board=python blob_max=65536")


def send(seq: int, kind: int, payload: bytes = b"") -> None:
    sys.stdout.buffer.write(proto.encode_frame(kind, seq, payload))
    sys.stdout.buffer.flush()


def run(blob: bytes, seq: int) -> None:
    global runs
    name, _, source = blob[4:].partition(b"\0")
    out = io.StringIO()
    status, trace = 0, ""
    lines = 0

    def count(frame, event, arg):
        nonlocal lines
        if frame.f_code.co_filename == name.decode():
            lines += event == "line"
            return count
        return None

    sys.settrace(count)
    with contextlib.redirect_stdout(out):
        try:
            exec(compile(source, name.decode(), "exec"), {"__name__": "__main__"})
        except SystemExit:
            pass
        except MemoryError:
            status, trace = 2, "MemoryError\n"
        except BaseException as exc:   # the program's own error: its traceback, as a VM reports it
            status = 1
            trace = "".join(traceback.format_exception_only(type(exc), exc))
    sys.settrace(None)
    runs += 1
    cycles = lines * LINE_CYCLES + (JITTER if runs % 2 == 0 else 0)
    send(seq, proto.RUNNING)
    text, error = out.getvalue().encode(), trace.encode()
    for at in range(0, len(text), 64):
        send(seq, proto.OUT, text[at:at + 64])
    if error:
        send(seq, proto.TRACE, error)
    send(seq, proto.STATUS, proto.STATUS_RECORD.pack(status, cycles, 0, 0, 0, 0, 0, len(text), len(error)))


def main() -> None:
    os.set_blocking(sys.stdin.fileno(), True)
    decoder = proto.FrameDecoder()
    send(0, proto.INFO, INFO.encode())
    blob, total, expected_crc = bytearray(), 0, 0
    while True:
        data = os.read(sys.stdin.fileno(), 4096)
        if not data:
            return
        for frame in decoder.feed(data):
            if frame.type == proto.HELLO:
                send(frame.seq, proto.INFO, INFO.encode())
            elif frame.type == proto.LOAD:
                total, expected_crc, _ = proto.LOAD_HEADER.unpack_from(frame.payload)
                blob = bytearray(frame.payload[proto.LOAD_HEADER.size:])
            elif frame.type == proto.DATA:
                (offset,) = struct.unpack_from("<I", frame.payload)
                blob[offset:] = frame.payload[4:]
            else:
                continue
            if len(blob) < total:
                send(frame.seq, proto.ACK, struct.pack("<I", len(blob)))
            elif zlib.crc32(blob) != expected_crc:
                send(frame.seq, proto.ERR, bytes([7]) + b"blob CRC mismatch")
            else:
                run(bytes(blob), frame.seq)


if __name__ == "__main__":
    main()
