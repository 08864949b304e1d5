"""Frame mutations for the booter's protocol loop (targets/common/hil_booter.c).

A burst is a few frames, each well formed or damaged: bad start of frame,
other versions, lengths that lie (up to 0xFFFF), bad CRCs, frames cut short,
unknown types, LOADs with huge or zero lengths, short or signed LOAD headers,
DATA outside the blob or with no LOAD before it, two transfers interleaved,
noise between frames. After each burst the fuzzer checks that the booter
still answers HELLO with INFO (runner.Runner.alive).

Sequence numbers stay below 251: the liveness HELLO uses 251..255, so its
INFO cannot be mistaken for the answer to a HELLO inside a burst.
"""

from __future__ import annotations

import random
import struct
import zlib

from harness.transports import booter as p

MAX_SEQ = 250
LENGTHS = (0, 1, 3, 4, 8, 9, 40, 41, 255, 256, 259, 260, 261, 262, 0x100, 0x3FF, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF)
TOTALS = (0, 1, 2, 8, 9, 255, 256, 257, 1000, 4096, 65535, 65536, 2**31 - 1, 2**31, 2**32 - 1)


def raw_frame(type_: int, seq: int, payload: bytes, version: int = p.VERSION, length: int | None = None,
              crc: int | None = None) -> bytes:
    """A frame with any field set by hand (encode_frame refuses bad ones)."""
    n = len(payload) if length is None else length
    header = struct.pack("<BBBBH", p.SOF, version & 0xFF, type_ & 0xFF, seq & 0xFF, n & 0xFFFF)
    if crc is None:
        crc = zlib.crc32(header[1:] + payload)
    return header + payload + struct.pack("<I", crc & 0xFFFFFFFF)


class FrameMutator:
    def __init__(self, blobs: list[bytes], rng: random.Random, chunk: int = 256, blob_max: int = 65536):
        # Small, real programs: a transfer that completes runs one.
        self.blobs = [b for b in blobs if len(b) <= 1024] or [b"M\x06\x00\x1f"]
        self.rng = rng
        self.chunk = chunk
        self.blob_max = blob_max
        self.templates = [
            (self.hello, 2), (self.load_run, 3), (self.load_partial, 3), (self.load_huge, 2), (self.load_zero, 1),
            (self.load_short, 2), (self.load_flags, 2), (self.data_stray, 3), (self.data_short, 1),
            (self.interleaved, 2), (self.unknown_type, 2), (self.noise, 2), (self.reset, 0.05),
        ]
        self.damages = [
            (self.bad_sof, 2), (self.bad_version, 2), (self.bad_length, 3), (self.bad_crc, 2), (self.cut, 3),
            (self.length_recrc, 2), (self.payload_recrc, 2),
        ]

    def seq(self) -> int:
        return self.rng.randrange(MAX_SEQ + 1)

    def burst(self) -> tuple[bytes, str]:
        """Some frames, perhaps damaged: (bytes, a description)."""
        rng = self.rng
        parts, names = [], []
        for _ in range(rng.choice((1, 1, 2, 3, 4, 6))):
            funcs, weights = zip(*self.templates)
            make = rng.choices(funcs, weights)[0]
            data = make()
            name = make.__name__
            if rng.random() < 0.45:
                funcs, weights = zip(*self.damages)
                damage = rng.choices(funcs, weights)[0]
                data = damage(data)
                name += "/" + damage.__name__
            parts.append(data)
            names.append(name.replace("_", "-"))
        return b"".join(parts), " ".join(names)

    # --- frames -----------------------------------------------------------------
    def hello(self) -> bytes:
        return raw_frame(p.HELLO, self.seq(), b"" if self.rng.random() < 0.8 else b"\x00" * self.rng.randrange(1, 9))

    def _transfer(self, blob: bytes, flags: int, total: int | None = None, crc: int | None = None,
                  seq: int | None = None) -> list[bytes]:
        seq = self.seq() if seq is None else seq
        total = len(blob) if total is None else total
        crc = zlib.crc32(blob) if crc is None else crc
        mac = bytes(p.MAC_LEN) if flags & p.LOAD_SIGNED else b""
        first = self.chunk + 4 - p.LOAD_HEADER.size - len(mac)
        frames = [raw_frame(p.LOAD, seq, p.LOAD_HEADER.pack(total & 0xFFFFFFFF, crc & 0xFFFFFFFF, flags) + mac
                            + blob[:first])]
        for offset in range(first, len(blob), self.chunk):
            frames.append(raw_frame(p.DATA, seq, struct.pack("<I", offset) + blob[offset:offset + self.chunk]))
        return frames

    def load_run(self) -> bytes:
        """A whole transfer that runs a real program, or whose CRC does not
        match. (Damaged programs are the blob mode's business.)"""
        rng = self.rng
        crc = None if rng.random() < 0.85 else rng.getrandbits(32)
        return b"".join(self._transfer(rng.choice(self.blobs), p.LOAD_RUN, crc=crc))

    def load_partial(self) -> bytes:
        """A transfer left unfinished (or without the run flag): state that a
        later frame finds."""
        rng = self.rng
        blob = rng.choice(self.blobs)
        frames = self._transfer(blob, rng.choice((0, p.LOAD_RUN)))
        return b"".join(frames[:rng.randrange(1, len(frames) + 1)])

    def load_huge(self) -> bytes:
        total = self.rng.choice((self.blob_max - 1, self.blob_max, self.blob_max + 1, *TOTALS[-6:]))
        return self._transfer(b"M\x06\x00\x1f" * 4, self.rng.choice((0, p.LOAD_RUN)), total=total)[0]

    def load_zero(self) -> bytes:
        flags = p.LOAD_RUN | (p.LOAD_SIGNED if self.rng.random() < 0.2 else 0)
        return self._transfer(b"", flags, total=self.rng.choice((0, 0, 1)))[0]

    def load_short(self) -> bytes:
        """A LOAD payload shorter than its header, or than header and MAC."""
        rng = self.rng
        if rng.random() < 0.5:
            return raw_frame(p.LOAD, self.seq(), bytes(rng.randrange(256) for _ in range(rng.randrange(9))))
        header = p.LOAD_HEADER.pack(rng.choice(TOTALS), rng.getrandbits(32), p.LOAD_SIGNED | p.LOAD_RUN)
        return raw_frame(p.LOAD, self.seq(), header + bytes(rng.randrange(p.MAC_LEN + 1)))

    def load_flags(self) -> bytes:
        blob = self.rng.choice(self.blobs)
        return b"".join(self._transfer(blob, self.rng.randrange(256)))

    def data_stray(self) -> bytes:
        """DATA at offsets outside the blob, or with no LOAD before it."""
        rng = self.rng
        offset = rng.choice((0, 1, 255, 256, 257, 4096, 65535, 65536, 2**31, 2**32 - 1, rng.getrandbits(32)))
        payload = bytes(rng.randrange(256) for _ in range(rng.choice((0, 1, 16, 256))))
        return raw_frame(p.DATA, self.seq(), struct.pack("<I", offset) + payload)

    def data_short(self) -> bytes:
        return raw_frame(p.DATA, self.seq(), bytes(self.rng.randrange(4)))

    def interleaved(self) -> bytes:
        """Two transfers' frames shuffled together."""
        a = self._transfer(self.rng.choice(self.blobs), p.LOAD_RUN)
        b = self._transfer(self.rng.choice(self.blobs), self.rng.choice((0, p.LOAD_RUN)))
        frames = a + b
        self.rng.shuffle(frames)
        return b"".join(frames)

    def unknown_type(self) -> bytes:
        type_ = self.rng.choice((0x00, 0x05, 0x7F, p.INFO, p.ACK, p.ERR, p.STATUS, 0xFF, self.rng.randrange(256)))
        return raw_frame(type_, self.seq(), bytes(self.rng.randrange(256) for _ in range(self.rng.randrange(12))))

    def noise(self) -> bytes:
        rng = self.rng
        out = bytes(rng.randrange(256) for _ in range(rng.choice((1, 5, 40, 300))))
        return out + bytes([p.SOF]) * rng.randrange(3)

    def reset(self) -> bytes:
        # Rare: the runner re-executes itself, which is correct but slow.
        return raw_frame(p.RESET, self.seq(), b"")

    # --- damage -------------------------------------------------------------------
    def bad_sof(self, data: bytes) -> bytes:
        if self.rng.random() < 0.5:
            return data[1:]
        return bytes([self.rng.choice((0x00, 0xA4, 0xA6, 0x5A, 0xFF))]) + data[1:]

    def bad_version(self, data: bytes) -> bytes:
        return self._recrc(data[:1] + bytes([self.rng.choice((0, 2, 0x81, 0xFF))]) + data[2:])

    def bad_length(self, data: bytes) -> bytes:
        """A length that disagrees with the payload; the CRC is left as it was."""
        if len(data) < 6:
            return data
        return data[:4] + struct.pack("<H", self.rng.choice(LENGTHS)) + data[6:]

    def length_recrc(self, data: bytes) -> bytes:
        """A length that disagrees, with a CRC made to match what the booter will read."""
        if len(data) < 6:
            return data
        length = self.rng.choice(LENGTHS)
        body = data[6:-4] if len(data) >= 10 else b""
        body = (body + bytes(max(0, length - len(body))))[:length]
        return raw_frame(data[2], data[3], body, version=data[1], length=length)

    def bad_crc(self, data: bytes) -> bytes:
        if len(data) < 4:
            return data
        pos = len(data) - 1 - self.rng.randrange(4)
        return data[:pos] + bytes([data[pos] ^ (1 << self.rng.randrange(8))]) + data[pos + 1:]

    def cut(self, data: bytes) -> bytes:
        return data[:self.rng.randrange(len(data))] if len(data) > 1 else data

    def payload_recrc(self, data: bytes) -> bytes:
        """A payload byte changed and the CRC made to match: a frame the booter accepts."""
        if len(data) < 11:
            return data
        pos = self.rng.randrange(6, len(data) - 4)
        return self._recrc(data[:pos] + bytes([self.rng.randrange(256)]) + data[pos + 1:])

    @staticmethod
    def _recrc(data: bytes) -> bytes:
        if len(data) < 10:
            return data
        return data[:-4] + struct.pack("<I", zlib.crc32(data[1:-4]))
