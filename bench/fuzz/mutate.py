"""Blob mutations: ones that know the .mpy v6 layout (bench/fuzz/mpy.py) and
plain byte-level ones.

A layout-aware mutation changes one field and, unless it means to lie, fixes
the length that governs it, so the loader reads on past the change: a blob
with a consistent structure and one bad value reaches code a random byte flip
rarely does. Lying mutations (a count or a length that disagrees with what
follows) probe the loader's own bounds. Every choice comes from the
``random.Random`` given, so a run is reproducible from its seed.
"""

from __future__ import annotations

import random

from .mpy import (
    OBJ_BYTES,
    OBJ_COMPLEX,
    OBJ_FLOAT,
    OBJ_INT,
    OBJ_STR,
    OBJ_TYPES,
    Layout,
    encode_uint,
    encode_uint_padded,
    parse,
    with_data,
)

# Counts and lengths worth trying: edges of bytes, of the varint groups, of
# 16/32/64-bit arithmetic, and of small heaps.
INTERESTING_UINTS = (0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 1023, 1024,
                     4095, 4096, 16383, 16384, 65535, 65536, 2**20, 2**31 - 1, 2**31, 2**32 - 1, 2**32,
                     2**61, 2**62, 2**63 - 1, 2**63, 2**64 - 1)
INTERESTING_BYTES = (0x00, 0x01, 0x02, 0x06, 0x1F, 0x3F, 0x40, 0x7F, 0x80, 0x81, 0xC0, 0xFE, 0xFF)
# Texts the loader hands to mp_parse_num_integer / mp_parse_num_float.
NUMBER_TEXTS = (b"", b"-", b"+", b"0x", b"0b2", b"0o8", b"1e", b"1e99999", b"-1e-99999", b"nan", b"-inf",
                b"1j", b"1_000", b"\xff\xfe", b" 1 ", b"1\x002", b".", b"9" * 40, b"0" * 300, b"7" * 1200,
                b"1" + b"0" * 25 + b"e-30", b"0.000000000000000000001e1000")
# Header values: other versions, arches, sub-versions and small-int widths.
HEADER_VALUES = ((0, (0x00, ord("L"), ord("m"), 0xFF)), (1, (0, 5, 6, 7, 0xFF)),
                 (2, (0x00, 0x03, 0x04, 0x0B, 0x2A, 0xFC, 0xFF)), (3, (0, 1, 30, 31, 32, 63, 64, 0xFF)))


def _format(op: int) -> int:
    """MP_BC_FORMAT (py/bc0.h): 0 no argument, 1 qstr, 2 var uint, 3 offset."""
    return (0x000003A4 >> (2 * (op >> 4))) & 3


class ByteMutations:
    """Byte-level mutations of a blob, whatever its format: ``seeds`` (for
    splices) and ``rng`` are the subclass's."""

    seeds: list[bytes]
    rng: random.Random

    GENERIC = (("bitflip", 4), ("byte_value", 3), ("random_bytes", 2), ("insert", 2), ("delete", 2),
               ("duplicate", 1), ("truncate", 2), ("splice", 2))

    # How often a mutant starts from a format-aware operation (when its seed parsed).
    STRUCTURED_SHARE = 0.75

    def generic_table(self) -> list:
        return [(getattr(self, name), weight) for name, weight in self.GENERIC]

    def mutate_seed(self, blob: bytes, parsed) -> tuple[bytes, str]:
        """A mutant of ``blob`` (``parsed``: its layout, None when its format
        could not be read): one format-aware operation (``self.structured``)
        most of the time, byte-level ones (``self.generic``) stacked on it
        or alone; cut to ``self.max_size``."""
        rng = self.rng
        names = []
        if parsed is not None and rng.random() < self.STRUCTURED_SHARE:
            blob, name = self._apply(self.structured, blob, parsed)
            names.append(name)
            stacked = rng.choice((0, 0, 0, 1, 2))
        else:
            stacked = rng.choice((1, 1, 2, 3))
        for _ in range(stacked):
            blob, name = self._apply(self.generic, blob, None)
            names.append(name)
        return blob[: self.max_size], "+".join(names)

    def _apply(self, table, blob: bytes, parsed) -> tuple[bytes, str]:
        ops, weights = zip(*table)
        # An operation that finds nothing to work on (no objects in this
        # seed, say) gives way to another.
        for _ in range(8):
            op = self.rng.choices(ops, weights)[0]
            out = op(blob) if parsed is None else self.structured_op(op, blob, parsed)
            if out is not None:
                return out, op.__name__.replace("_", "-")
        return self.bitflip(blob), "bitflip"

    def structured_op(self, op, blob: bytes, parsed) -> bytes | None:
        """Apply a format-aware operation: by default on the blob and its layout."""
        return op(blob, parsed)

    def bitflip(self, blob: bytes) -> bytes:
        if not blob:
            return bytes([self.rng.randrange(256)])
        out = bytearray(blob)
        for _ in range(self.rng.choice((1, 1, 2, 4, 8))):
            pos = self.rng.randrange(len(out))
            out[pos] ^= 1 << self.rng.randrange(8)
        return bytes(out)

    def byte_value(self, blob: bytes) -> bytes | None:
        if not blob:
            return None
        pos = self.rng.randrange(len(blob))
        return blob[:pos] + bytes([self.rng.choice(INTERESTING_BYTES)]) + blob[pos + 1:]

    def random_bytes(self, blob: bytes) -> bytes | None:
        if not blob:
            return None
        n = self.rng.randrange(1, 5)
        pos = self.rng.randrange(len(blob))
        return blob[:pos] + bytes(self.rng.randrange(256) for _ in range(n)) + blob[pos + n:]

    def insert(self, blob: bytes) -> bytes:
        pos = self.rng.randrange(len(blob) + 1)
        n = self.rng.choice((1, 1, 2, 4, 16))
        return blob[:pos] + bytes(self.rng.randrange(256) for _ in range(n)) + blob[pos:]

    def delete(self, blob: bytes) -> bytes | None:
        if len(blob) < 2:
            return None
        pos = self.rng.randrange(len(blob))
        n = self.rng.choice((1, 1, 2, 4, 16, max(1, len(blob) // 4)))
        return blob[:pos] + blob[pos + n:]

    def duplicate(self, blob: bytes) -> bytes | None:
        if len(blob) < 2:
            return None
        start = self.rng.randrange(len(blob))
        end = min(len(blob), start + self.rng.randrange(1, 64))
        at = self.rng.randrange(len(blob) + 1)
        return blob[:at] + blob[start:end] + blob[at:]

    def truncate(self, blob: bytes) -> bytes | None:
        if len(blob) < 2:
            return None
        return blob[:self.rng.randrange(len(blob))]

    def splice(self, blob: bytes) -> bytes:
        other = self.seeds[self.rng.randrange(len(self.seeds))]
        return blob[:self.rng.randrange(len(blob) + 1)] + other[self.rng.randrange(len(other) + 1):]


class Mutator(ByteMutations):
    """Mutates blobs picked from a fixed seed corpus."""

    def __init__(self, seeds: list[bytes], rng: random.Random, max_size: int = 16384):
        if not seeds:
            raise ValueError("the seed corpus is empty")
        self.seeds = seeds
        self.layouts = [parse(s) for s in seeds]
        self.rng = rng
        self.max_size = max_size
        # (operation, weight): layout-aware ones get most of the draws.
        self.structured = [
            (self.header, 3), (self.count, 4), (self.qstr_len, 3), (self.qstr_data, 3),
            (self.obj_type, 3), (self.obj_len, 3), (self.obj_data, 3), (self.kind_len, 4),
            (self.prelude, 4), (self.opcode, 10), (self.splice_code, 3),
        ]
        self.generic = self.generic_table()

    # --- driver -------------------------------------------------------------
    def mutate(self) -> tuple[bytes, str, int]:
        """A mutant: (blob, the operations applied, the index of its seed)."""
        index = self.rng.randrange(len(self.seeds))
        blob, name = self.mutate_seed(self.seeds[index], self.layouts[index])
        return blob, name, index

    # --- helpers ------------------------------------------------------------
    def _uint(self, old: int) -> int:
        rng = self.rng
        choice = rng.random()
        if choice < 0.55:
            return rng.choice(INTERESTING_UINTS)
        if choice < 0.85:
            return max(0, old + rng.choice((-2, -1, 1, 2, 8, -8)))
        return rng.getrandbits(rng.choice((4, 8, 16, 32, 64)))

    def _pick(self, layout: Layout, *roles: str) -> int | None:
        found = layout.of(*roles)
        return self.rng.choice(found) if found else None

    def _set_varint(self, blob: bytes, start: int, end: int, value: int) -> bytes:
        # Half the time in place (overlong if need be), so nothing after it moves.
        if self.rng.random() < 0.5:
            enc = encode_uint_padded(value, end - start)
        else:
            enc = encode_uint(value)
        return blob[:start] + enc + blob[end:]

    def _replace_data(self, blob: bytes, layout: Layout, index: int, new: bytes) -> bytes:
        return with_data(blob, layout, index, new)

    def _instruction(self) -> bytes:
        """One bytecode instruction: any opcode byte, with an argument of its format."""
        rng = self.rng
        op = rng.randrange(256)
        fmt = _format(op)
        if fmt == 0:
            return bytes([op])
        if fmt == 3:  # a jump: one byte, or two with the high bit set
            if rng.random() < 0.5:
                return bytes([op, rng.randrange(0x80)])
            return bytes([op, 0x80 | rng.randrange(0x80), rng.randrange(256)])
        arg = rng.choice((0, 1, 2, 3, 5, 8, 30, 127, 128, 1000, 2**16, 2**31, 2**63))
        extra = bytes([rng.randrange(256)]) if rng.random() < 0.2 else b""
        return bytes([op]) + encode_uint(arg) + extra

    # --- layout-aware operations ---------------------------------------------
    def header(self, blob: bytes, layout: Layout) -> bytes | None:
        if len(blob) < 4:
            return None
        pos, values = self.rng.choice(HEADER_VALUES)
        value = self.rng.choice(values) if self.rng.random() < 0.8 else self.rng.randrange(256)
        return blob[:pos] + bytes([value]) + blob[pos + 1:]

    def count(self, blob: bytes, layout: Layout) -> bytes | None:
        """Lie about how many qstrs, objects or children follow."""
        i = self._pick(layout, "n_qstr", "n_obj", "n_children")
        if i is None:
            return None
        f = layout.fields[i]
        return self._set_varint(blob, f.start, f.end, self._uint(f.value))

    def qstr_len(self, blob: bytes, layout: Layout) -> bytes | None:
        i = self._pick(layout, "qstr_len")
        if i is None:
            return None
        f = layout.fields[i]
        rng = self.rng
        choice = rng.random()
        if choice < 0.3:
            value = f.value ^ 1                               # static <-> dynamic
        elif choice < 0.5:
            value = (rng.randrange(256) << 1) | 1             # another static qstr, mostly one that exists
        elif choice < 0.6:
            value = (self._uint(f.value >> 1) << 1) | 1       # a static qstr number, often beyond the table
        else:
            value = (self._uint(f.value >> 1) << 1) | (f.value & 1)  # a length that lies
        return self._set_varint(blob, f.start, f.end, value)

    def qstr_data(self, blob: bytes, layout: Layout) -> bytes | None:
        i = self._pick(layout, "qstr_data")
        if i is None:
            return None
        rng = self.rng
        new = rng.choice((b"", b"\xff\xfe", b"\xc3", b"a\x00b", b"__init__", b"x" * rng.randrange(1, 600),
                          bytes(rng.randrange(256) for _ in range(rng.randrange(1, 24)))))
        return self._replace_data(blob, layout, i, new)

    def obj_type(self, blob: bytes, layout: Layout) -> bytes | None:
        i = self._pick(layout, "obj_type")
        if i is None:
            return None
        f = layout.fields[i]
        # Mostly another real type (a str read as an int, a bytes as a
        # tuple): an unknown tag only ever fails the loader's one assert.
        if self.rng.random() < 0.85:
            value = self.rng.choice(OBJ_TYPES[1:])
        else:
            value = self.rng.choice((0, 11, 12, 0x7F, 0x80, 0xFF))
        return blob[:f.start] + bytes([value]) + blob[f.end:]

    def obj_len(self, blob: bytes, layout: Layout) -> bytes | None:
        i = self._pick(layout, "obj_len")
        if i is None:
            return None
        f = layout.fields[i]
        return self._set_varint(blob, f.start, f.end, self._uint(f.value))

    def obj_data(self, blob: bytes, layout: Layout) -> bytes | None:
        i = self._pick(layout, "obj_data")
        if i is None:
            return None
        rng = self.rng
        kind = next((f.value for f in reversed(layout.fields[:layout.fields[i].owner]) if f.role == "obj_type"), -1)
        if kind in (OBJ_INT, OBJ_FLOAT, OBJ_COMPLEX) or rng.random() < 0.3:
            new = rng.choice(NUMBER_TEXTS)
        elif kind in (OBJ_STR, OBJ_BYTES):
            new = rng.choice((b"", b"\xff", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x00" * 5,
                              bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))))
        else:
            new = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 16)))
        return self._replace_data(blob, layout, i, new)

    def kind_len(self, blob: bytes, layout: Layout) -> bytes | None:
        """A raw code's kind bits, its has-children bit, or a length that lies."""
        i = self._pick(layout, "kind_len")
        if i is None:
            return None
        f = layout.fields[i]
        rng = self.rng
        choice = rng.random()
        if choice < 0.25:
            value = (f.value & ~3) | rng.randrange(1, 4)      # a native kind
        elif choice < 0.45:
            value = f.value ^ 4                               # children or none
        else:
            value = (self._uint(f.value >> 3) << 3) | (f.value & 7)
        return self._set_varint(blob, f.start, f.end, value)

    def prelude(self, blob: bytes, layout: Layout) -> bytes | None:
        """A byte of the bytecode prelude: n_state, n_exc_stack, flags, arg
        counts, n_info, n_cell, names and line info."""
        i = self._pick(layout, "fun_data")
        if i is None:
            return None
        f = layout.fields[i]
        end = f.code if f.code > f.start else f.end
        if end <= f.start:
            return None
        pos = self.rng.randrange(f.start, end)
        value = self.rng.choice(INTERESTING_BYTES) if self.rng.random() < 0.6 else self.rng.randrange(256)
        return blob[:pos] + bytes([value]) + blob[pos + 1:]

    def opcode(self, blob: bytes, layout: Layout) -> bytes | None:
        """The opcodes: overwrite, insert or delete instructions and bytes,
        keeping the raw code's length in step."""
        i = self._pick(layout, "fun_data")
        if i is None:
            return None
        f = layout.fields[i]
        start = f.code if f.code >= f.start else f.start
        body = bytearray(blob[start:f.end])
        rng = self.rng
        pos = rng.randrange(len(body) + 1)
        choice = rng.random()
        if choice < 0.35 and body:
            pos = min(pos, len(body) - 1)
            body[pos] = rng.randrange(256)
        elif choice < 0.65:
            body[pos:pos] = self._instruction()
        elif choice < 0.8 and body:
            del body[pos:pos + rng.randrange(1, 4)]
        elif body:                                            # a jump's offset, or any argument byte
            pos = min(pos, len(body) - 1)
            body[pos] = rng.choice(INTERESTING_BYTES)
        else:
            return None
        new = blob[f.start:start] + bytes(body)
        return self._replace_data(blob, layout, i, new)

    def splice_code(self, blob: bytes, layout: Layout) -> bytes | None:
        """Another program's bytecode in this one's raw code: its qstr and
        constant numbers point into tables that do not match."""
        i = self._pick(layout, "fun_data")
        j = self.rng.randrange(len(self.seeds))
        k = self._pick(self.layouts[j], "fun_data")
        if i is None or k is None:
            return None
        other = self.layouts[j].fields[k]
        return self._replace_data(blob, layout, i, self.seeds[j][other.start:other.end])
