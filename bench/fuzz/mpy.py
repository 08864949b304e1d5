"""The .mpy v6 layout, as far as the fuzzer needs it to aim its mutations.

What MicroPython 1.23's loader reads (py/persistentcode.c, mp_raw_code_load):

    header     'M', version 6, feature byte (arch << 2 | sub-version), small-int bits
    n_qstr     varint
    n_obj      varint
    qstrs      n_qstr times: varint v; v odd: static qstr number v >> 1;
               v even: v >> 1 bytes of string, then a NUL
    objects    n_obj times: type byte (py/persistentcode.h MP_PERSISTENT_OBJ_*);
               NONE, FALSE, TRUE, ELLIPSIS carry nothing; TUPLE a varint count
               and that many objects; the rest a varint length, the bytes, and
               for STR and BYTES a NUL (an empty BYTES is just the NUL)
    raw code   varint kind_len = fun_data_len << 3 | has_children << 2 | kind;
               fun_data_len bytes of bytecode; if has_children a varint count
               and that many raw codes, recursively

Varints are big-endian groups of 7 bits, 0x80 on every byte but the last
(read_uint). A raw code's bytecode opens with its prelude (py/bc.h): the
signature (bytes while 0x80 is set), the sizes n_info and n_cell (bytes while
0x80 is set, xIIIIIIC), then n_info bytes of names and line info and n_cell
bytes of cell numbers; the opcodes follow.

``parse`` is tolerant: it stops where the blob stops making sense and keeps
the fields it found, so it can lay out mutated blobs too.
"""

from __future__ import annotations

from dataclasses import dataclass

MAGIC = ord("M")
VERSION = 6

# MP_PERSISTENT_OBJ_* (py/persistentcode.h).
OBJ_FUN_TABLE, OBJ_NONE, OBJ_FALSE, OBJ_TRUE, OBJ_ELLIPSIS = 0, 1, 2, 3, 4
OBJ_STR, OBJ_BYTES, OBJ_INT, OBJ_FLOAT, OBJ_COMPLEX, OBJ_TUPLE = 5, 6, 7, 8, 9, 10
OBJ_TYPES = range(11)

# Fields whose value is a length or count, and the data field each governs.
LENGTH_ROLES = ("n_qstr", "n_obj", "qstr_len", "obj_len", "kind_len", "n_children")
DATA_ROLES = ("qstr_data", "obj_data", "fun_data")


@dataclass(frozen=True)
class Field:
    role: str          # header, n_qstr, n_obj, qstr_len, qstr_data, obj_type, obj_len, obj_data,
                       # kind_len, fun_data, n_children
    start: int
    end: int
    value: int = 0     # a varint's value, an object's type byte
    owner: int = -1    # for a data field: the index of the varint that gives its length
    code: int = -1     # for fun_data: where the opcodes start (absolute), -1 if the prelude is cut


@dataclass(frozen=True)
class Layout:
    fields: tuple
    complete: bool     # the whole blob parsed as a well-formed .mpy
    hazard: str = ""   # the first known loader crash the blob reaches (see parse)
    qstrs: tuple = ()  # (start, end) of each qstr entry: its varint, bytes and NUL
    objs: tuple = ()   # (start, end) of each entry of the object table

    def of(self, *roles: str) -> list[int]:
        return [i for i, f in enumerate(self.fields) if f.role in roles]


class _Short(Exception):
    """The blob ends (or stops making sense) here."""


def encode_uint(value: int) -> bytes:
    """A varint as mp_print_uint writes it."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def encode_uint_padded(value: int, width: int) -> bytes:
    """``value`` in exactly ``width`` bytes (leading 0x80 groups): the loader
    accepts overlong varints, and they shift nothing when patched in place."""
    raw = encode_uint(value)
    if len(raw) >= width:
        return raw
    return bytes([0x80] * (width - len(raw))) + raw


class _Reader:
    def __init__(self, blob: bytes):
        self.blob = blob
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.blob):
            raise _Short
        b = self.blob[self.pos]
        self.pos += 1
        return b

    def uint(self) -> tuple[int, int, int]:
        start = self.pos
        value = 0
        while True:
            b = self.byte()
            value = (value << 7) | (b & 0x7F)
            if not b & 0x80:
                return start, self.pos, value

    def skip(self, n: int) -> tuple[int, int]:
        if n > len(self.blob) - self.pos:
            raise _Short
        start = self.pos
        self.pos += n
        return start, self.pos


# Real blobs nest a few levels; a mutated count can ask for millions of
# fields, which only wastes the parser's time.
_MAX_FIELDS = 20000
_MAX_DEPTH = 64


def parse(blob: bytes) -> Layout:
    """The blob's fields, and the first of two known loader crashes it would
    reach, as far as this model of the loader can tell (it does not model
    allocation failures or number parsing, which can stop the real loader
    first):

      unknown-object-type  an object whose type tag the loader does not know:
                           load_obj reads its bytes, then fails
                           assert(obj_type == FLOAT || obj_type == COMPLEX)
      empty-bytecode       a raw code with no bytecode: m_new(uint8_t, 0)
                           is NULL and load_raw_code decodes a prelude from it
    """
    fields: list[Field] = []
    hazards: list[str] = []
    qstrs: list[tuple[int, int]] = []
    objs: list[tuple[int, int]] = []
    r = _Reader(blob)

    def add(field: Field) -> int:
        if len(fields) >= _MAX_FIELDS:
            raise _Short
        fields.append(field)
        return len(fields) - 1

    def obj(depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise _Short
        start = r.pos
        kind = r.byte()
        add(Field("obj_type", start, r.pos, kind))
        if kind in (OBJ_NONE, OBJ_FALSE, OBJ_TRUE, OBJ_ELLIPSIS):
            return
        s, e, n = r.uint()
        owner = add(Field("obj_len", s, e, n))
        if kind == OBJ_TUPLE:
            for _ in range(n):
                obj(depth + 1)
            return
        if n == 0 and kind == OBJ_BYTES:
            r.skip(1)
            return
        s, e = r.skip(n)
        add(Field("obj_data", s, e, owner=owner))
        if kind in (OBJ_STR, OBJ_BYTES):
            r.skip(1)
        elif kind not in (OBJ_INT, OBJ_FLOAT, OBJ_COMPLEX):
            hazards.append("unknown-object-type")

    def raw_code(depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise _Short
        s, e, kind_len = r.uint()
        owner = add(Field("kind_len", s, e, kind_len))
        if kind_len & 3:
            raise _Short  # native code: this loader refuses it here
        s, e = r.skip(kind_len >> 3)
        add(Field("fun_data", s, e, owner=owner, code=_code_start(blob, s, e)))
        if s == e:
            hazards.append("empty-bytecode")
        if kind_len & 4:
            s, e, n = r.uint()
            add(Field("n_children", s, e, n))
            for _ in range(n):
                raw_code(depth + 1)

    complete = False
    try:
        s, e = r.skip(4)
        add(Field("header", s, e))
        s, e, n_qstr = r.uint()
        add(Field("n_qstr", s, e, n_qstr))
        s, e, n_obj = r.uint()
        add(Field("n_obj", s, e, n_obj))
        for _ in range(n_qstr):
            s, e, v = r.uint()
            owner = add(Field("qstr_len", s, e, v))
            if not v & 1:
                s, e = r.skip(v >> 1)
                add(Field("qstr_data", s, e, owner=owner))
                r.skip(1)
            qstrs.append((fields[owner].start, r.pos))
        for _ in range(n_obj):
            start = r.pos
            obj(0)
            objs.append((start, r.pos))
        raw_code(0)
        complete = r.pos == len(blob)
    except _Short:
        pass
    return Layout(tuple(fields), complete, hazards[0] if hazards else "", tuple(qstrs), tuple(objs))


def _code_start(blob: bytes, start: int, end: int) -> int:
    """Where the opcodes of the bytecode in blob[start:end] begin (-1: cut short)."""
    pos = start
    # Signature: one byte, more while 0x80 is set.
    while pos < end and blob[pos] & 0x80:
        pos += 1
    pos += 1
    n_info = n_cell = 0
    shift = 0
    bit = 0
    while pos < end:
        z = blob[pos]
        pos += 1
        n_cell |= (z & 1) << bit
        n_info |= ((z & 0x7E) >> 1) << shift
        bit += 1
        shift += 6
        if not z & 0x80:
            code = pos + n_info + n_cell
            return code if code <= end else -1
    return -1


def length_value(role: str, old: int, new_length: int) -> int:
    """The varint value that says a data field governed by ``role`` is
    ``new_length`` bytes, keeping the flag bits ``old`` had."""
    if role == "qstr_len":
        return (new_length << 1) | (old & 1)
    if role == "kind_len":
        return (new_length << 3) | (old & 7)
    return new_length



def with_data(blob: bytes, layout: Layout, index: int, new: bytes) -> bytes:
    """``blob`` with data field ``index`` replaced by ``new`` and the varint
    that gives its length made to agree."""
    field = layout.fields[index]
    owner = layout.fields[field.owner]
    value = length_value(owner.role, owner.value, len(new))
    return blob[:owner.start] + encode_uint(value) + blob[owner.end:field.start] + new + blob[field.end:]


def with_entries(blob: bytes, layout: Layout, table: str, keep: list[int]) -> bytes:
    """``blob`` with only the entries ``keep`` (indices) of its qstr or object
    table, and the table's count made to agree."""
    spans = layout.qstrs if table == "qstr" else layout.objs
    count = layout.fields[layout.of("n_qstr" if table == "qstr" else "n_obj")[0]]
    if not spans:
        return blob
    body = b"".join(blob[spans[i][0]:spans[i][1]] for i in keep)
    start, end = spans[0][0], spans[-1][1]
    out = blob[:start] + body + blob[end:]
    return out[:count.start] + encode_uint(len(keep)) + out[count.end:]


def hazard(blob: bytes) -> str:
    """``parse(blob).hazard``, without building the fields: the fuzzer asks
    this of every mutant, and parse's fields cost ten times as much."""
    n = len(blob)
    pos = 4
    found = ""

    def uint() -> int:
        nonlocal pos
        value = 0
        while True:
            if pos >= n:
                raise _Short
            b = blob[pos]
            pos += 1
            value = (value << 7) | (b & 0x7F)
            if not b & 0x80:
                return value

    def obj(depth: int) -> str:
        nonlocal pos
        if depth > _MAX_DEPTH or pos >= n:
            raise _Short
        kind = blob[pos]
        pos += 1
        if kind in (OBJ_NONE, OBJ_FALSE, OBJ_TRUE, OBJ_ELLIPSIS):
            return ""
        length = uint()
        if kind == OBJ_TUPLE:
            for _ in range(min(length, _MAX_FIELDS)):
                inner = obj(depth + 1)
                if inner:
                    return inner
            return ""
        if length == 0 and kind == OBJ_BYTES:
            length = 1
        elif kind in (OBJ_STR, OBJ_BYTES):
            length += 1
        if length > n - pos:
            raise _Short
        pos += length
        return "" if kind in (OBJ_STR, OBJ_BYTES, OBJ_INT, OBJ_FLOAT, OBJ_COMPLEX) else "unknown-object-type"

    def raw_code(depth: int) -> str:
        nonlocal pos
        if depth > _MAX_DEPTH:
            raise _Short
        kind_len = uint()
        if kind_len & 3 or (kind_len >> 3) > n - pos:
            raise _Short
        pos += kind_len >> 3
        if kind_len >> 3 == 0:
            return "empty-bytecode"
        if kind_len & 4:
            for _ in range(min(uint(), _MAX_FIELDS)):
                inner = raw_code(depth + 1)
                if inner:
                    return inner
        return ""

    try:
        if n < 4:
            return ""
        n_qstr = uint()
        n_obj = uint()
        for _ in range(min(n_qstr, _MAX_FIELDS)):
            v = uint()
            if not v & 1:
                if (v >> 1) + 1 > n - pos:
                    raise _Short
                pos += (v >> 1) + 1
        for _ in range(min(n_obj, _MAX_FIELDS)):
            found = obj(0)
            if found:
                return found
        return raw_code(0)
    except _Short:
        return found
