"""Mutations of PikaScript blobs (.py.o and .py.a, bench/fuzz/pika.py), in
the layouts of the core given (a ``Layout``: core 1.14's or 1.8.6's).

A layout-aware mutation changes one part (an instruction's depth, opcode,
new-line bit or constant offset; the pool's strings; whole instructions;
a .py.a's modules, names and header) and re-encodes the blob with every
size and the checksum made to match, so the blob passes the VM side's
format checks (targets/pikascript/blob.c, v1.8.6/blob.c) and reaches the
core's loader and VM. Lying mutations write a size, count, version or
checksum that disagrees, or a module name without its NUL, on purpose, to
probe those checks. Byte-level mutations (mutate.ByteMutations) come on top.
Every choice comes from the ``random.Random`` given.
"""

from __future__ import annotations

import random
import struct

from .mutate import INTERESTING_BYTES, ByteMutations
from .pika import Blob, Code, Layout

# Values worth putting in a 16-bit constant offset or a 32-bit size.
INTERESTING_U16 = (0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 1023, 4095, 32767, 32768,
                   65534, 65535)
INTERESTING_U32 = INTERESTING_U16 + (65536, 2**20, 2**31 - 1, 2**31, 2**32 - 4, 2**32 - 1)
INTERESTING = {2: INTERESTING_U16, 4: INTERESTING_U32}
# Constants the VM parses at run time: numbers, names, attribute paths.
POOL_TEXTS = (b"", b"0", b"-1", b"0x", b"0x7fffffffffffffff", b"9" * 40, b"1e999", b"-1e-999", b"nan", b"1.5.5",
              b".", b"..", b"a.", b".a", b"a..b", b"__init__", b"self", b"main", b"print", b"x" * 300, b"\xff\xfe",
              b"%s%s%n", b"\x1b[31m", b"(", b"[]", b"@", b"$")


class PikaMutator(ByteMutations):
    """Mutates PikaScript blobs picked from a fixed seed corpus."""

    STRUCTURED_SHARE = 0.8

    def __init__(self, seeds: list[bytes], rng: random.Random, max_size: int = 16384, *, layout: Layout):
        if not seeds:
            raise ValueError("the seed corpus is empty")
        self.layout = layout
        self.seeds = seeds
        self.parsed = [layout.parse(s) for s in seeds]
        kinds = [layout.suffix(s) for s in seeds]
        self.groups = [[i for i, k in enumerate(kinds) if k == kind] for kind in sorted(set(kinds))]
        self.kinds = len(self.groups)
        self.turn = 0
        self.rng = rng
        self.max_size = max_size
        self.structured = [
            (self.depth, 3), (self.opcode, 8), (self.new_line, 2), (self.const_offset, 8),
            (self.pool_string, 6), (self.pool_byte, 3), (self.drop_instructions, 3),
            (self.copy_instructions, 3), (self.splice_instructions, 3), (self.swap_pools, 2),
            (self.module_name, 2), (self.module_set, 3), (self.lie, 4),
        ]
        self.generic = self.generic_table()

    # --- driver -------------------------------------------------------------
    def mutate(self) -> tuple[bytes, str, int]:
        """A mutant: (blob, the operations applied, the index of its seed)."""
        rng = self.rng
        # The seeds' kinds take turns, however few .py.a seeds there are:
        # each loader gets as many executions.
        group = self.groups[self.turn % len(self.groups)]
        self.turn += 1
        index = group[rng.randrange(len(group))]
        blob, name = self.mutate_seed(self.seeds[index], self.parsed[index])
        return blob, name, index

    def structured_op(self, op, blob: bytes, parsed: Blob) -> bytes | None:
        # Each operation edits a copy of the parsed form, and re-encodes it.
        return op(parsed.copy())

    # --- helpers ------------------------------------------------------------
    def _code(self, blob: Blob) -> Code | None:
        codes = [c for _, c in blob.modules if c.instructions]
        return self.rng.choice(codes) if codes else None

    def _at(self, code: Code) -> int:
        return self.rng.randrange(len(code.instructions))

    def _field(self, code: Code, at: int, offset: int, value: int) -> None:
        unit = bytearray(code.instructions[at])
        unit[offset] = value & 0xFF
        code.instructions[at] = bytes(unit)

    # --- layout-aware operations (each returns the re-encoded blob) -----------
    def depth(self, blob: Blob) -> bytes | None:
        code = self._code(blob)
        if code is None:
            return None
        old = code.instructions[self._at(code)][0]
        value = self.rng.choice((0, 0x0F, 0xF0, 0xFF, old + 1, old - 1, old + 0x10, old - 0x10, old ^ 0x11))
        self._field(code, self._at(code), 0, value)
        return blob.encode()

    def opcode(self, blob: Blob) -> bytes | None:
        code = self._code(blob)
        if code is None:
            return None
        at = self._at(code)
        keep = code.instructions[at][1] & 0x80
        self._field(code, at, 1, keep | self.rng.randrange(self.layout.opcodes if self.rng.random() < 0.9 else 128))
        return blob.encode()

    def new_line(self, blob: Blob) -> bytes | None:
        code = self._code(blob)
        if code is None:
            return None
        at = self._at(code)
        self._field(code, at, 1, code.instructions[at][1] ^ 0x80)
        return blob.encode()

    def const_offset(self, blob: Blob) -> bytes | None:
        code = self._code(blob)
        if code is None:
            return None
        at = self._at(code)
        choice = self.rng.random()
        if choice < 0.5:
            value = self.rng.choice(code.string_starts())          # another constant
        elif choice < 0.8:
            value = self.rng.randrange(max(1, len(code.pool)))      # inside a string
        else:
            value = self.rng.choice(INTERESTING_U16)               # anywhere
        unit = code.instructions[at]
        code.instructions[at] = unit[:2] + struct.pack("<H", value & 0xFFFF)
        return blob.encode()

    def pool_string(self, blob: Blob) -> bytes | None:
        code = self._code(blob) or blob.modules[0][1]
        starts = code.string_starts()
        at = self.rng.choice(starts)
        end = code.pool.find(b"\0", at)
        end = len(code.pool) if end < 0 else end
        code.pool = code.pool[:at] + self.rng.choice(POOL_TEXTS) + code.pool[end:]
        if not code.pool.endswith(b"\0"):
            code.pool += b"\0"
        return blob.encode()

    def pool_byte(self, blob: Blob) -> bytes | None:
        code = self._code(blob) or blob.modules[0][1]
        if not code.pool:
            return None
        pos = self.rng.randrange(len(code.pool))
        value = self.rng.choice(INTERESTING_BYTES + (ord("."), ord("("), ord("["), ord("-")))
        code.pool = code.pool[:pos] + bytes([value]) + code.pool[pos + 1:]
        return blob.encode()

    def drop_instructions(self, blob: Blob) -> bytes | None:
        code = self._code(blob)
        if code is None:
            return None
        at = self._at(code)
        del code.instructions[at:at + self.rng.choice((1, 1, 2, 4, 16))]
        return blob.encode()

    def copy_instructions(self, blob: Blob) -> bytes | None:
        code = self._code(blob)
        if code is None:
            return None
        at = self._at(code)
        run = code.instructions[at:at + self.rng.choice((1, 2, 4, 8))]
        where = self.rng.randrange(len(code.instructions) + 1)
        code.instructions[where:where] = run * self.rng.choice((1, 1, 2, 16))
        return blob.encode()

    def splice_instructions(self, blob: Blob) -> bytes | None:
        """Instructions of another seed (their offsets meet this pool)."""
        code = self._code(blob)
        other = self.parsed[self.rng.randrange(len(self.parsed))]
        donor = self._code(other) if other is not None else None
        if code is None or donor is None:
            return None
        start = self.rng.randrange(len(donor.instructions))
        piece = donor.instructions[start:start + self.rng.randrange(1, 32)]
        at = self._at(code)
        code.instructions[at:at + self.rng.randrange(0, 4)] = piece
        return blob.encode()

    def swap_pools(self, blob: Blob) -> bytes | None:
        code = self._code(blob)
        other = self.parsed[self.rng.randrange(len(self.parsed))]
        if code is None or other is None:
            return None
        code.pool = self.rng.choice(other.modules)[1].pool
        return blob.encode()

    def module_name(self, blob: Blob) -> bytes | None:
        """A .py.a's module renamed (a .py.o stays one: each loader keeps its share)."""
        if blob.kind == "pyo":
            return None
        i = self.rng.randrange(len(blob.modules))
        longest = self.layout.name_max(blob)
        name = self.rng.choice(("main", "", "main.sub", "a" * longest, "a" * (longest + 1), "x", "__init__", "m\xff"))
        blob.modules[i] = (name, blob.modules[i][1])
        return blob.encode()

    def module_set(self, blob: Blob) -> bytes | None:
        """A .py.a with a module dropped, doubled, or taken from another seed."""
        if blob.kind == "pyo":
            return None
        choice = self.rng.random()
        if choice < 0.3 and len(blob.modules) > 1:
            del blob.modules[self.rng.randrange(len(blob.modules))]
        elif choice < 0.6:
            blob.modules.append(self.rng.choice(blob.modules))
        else:
            other = self.parsed[self.rng.randrange(len(self.parsed))]
            if other is None:
                return None
            name, code = self.rng.choice(other.modules)
            blob.modules.append((self.rng.choice((name, "helper", "main")), code))
        return blob.encode()

    def lie(self, blob: Blob) -> bytes | None:
        """A size, count, version or checksum that disagrees with the rest;
        in a .py.a now and then a module name that fills its field, no NUL."""
        out = bytearray(blob.encode())
        if blob.kind == "pya" and self.rng.random() < 0.1:
            at, length = self.rng.choice(self.layout.name_spans(blob))
            out[at:at + length] = b"m" * length
            return bytes(out)
        spot = self.rng.choice(self.layout.fields(blob))
        old = int.from_bytes(out[spot.offset:spot.offset + spot.width], "little")
        value = self.rng.choice(INTERESTING[spot.width]) if self.rng.random() < 0.6 else \
            max(0, old + self.rng.choice((-8, -4, -1, 1, 4, 8)))
        out[spot.offset:spot.offset + spot.width] = (value % (1 << 8 * spot.width)).to_bytes(spot.width, "little")
        return bytes(out)
