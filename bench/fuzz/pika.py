"""PikaScript's blobs as the fuzzer sees them: the core 1.14 layouts of
``.py.o`` and ``.py.a`` (harness/vms/pikascript/formats.py tells them in
full), taken apart into what a mutation changes and put back together with
every size and the checksum made to match.

- ``.py.o``: magic ``0f 'pyo'``, u32 size of the rest, then the code: u32
  instruction bytes, 4-byte instructions {u8 depths, u8 new-line bit |
  opcode, u16 constant offset}, u32 pool size, the pool (NUL-terminated
  strings, starting with a NUL).
- ``.py.a``: 64-byte blocks: a header {magic ``0f 'pya'``, u32 total size,
  u32 version 7, u32 module count, u32 block size, u32 times33 checksum of
  everything after the first block}, an index block per module (its name
  NUL-padded, the size of its code in the last four bytes), the modules'
  code, each padded to 4.

Core 1.8.6 lays both out otherwise (no magic and u16 sizes in a .py.o, ``7f
'pya'`` version 1 with 32-byte entries): its layouts join ``FORMATS`` under
the ``pyo`` its runner announces.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from harness.vms.pikascript.formats import PYA_HEADER, PYA_MAGIC, PYO_MAGIC, times33

BLOCK = 64
U32 = struct.Struct("<I")


@dataclass
class Code:
    """One module's code: its instructions (4 bytes each) and constant pool."""

    instructions: list[bytes]
    pool: bytes

    def encode(self) -> bytes:
        ins = b"".join(self.instructions)
        return U32.pack(len(ins)) + ins + U32.pack(len(self.pool)) + self.pool

    def string_starts(self) -> list[int]:
        """Offsets of the pool's strings: where a constant offset points."""
        return [0] + [i + 1 for i, b in enumerate(self.pool[:-1]) if b == 0]


@dataclass
class Blob:
    """A parsed .py.o (one module, ``main``) or .py.a."""

    kind: str                                    # pyo or pya
    modules: list[tuple[str, Code]] = field(default_factory=list)
    version: int = 7                             # .py.a only
    block: int = BLOCK

    def encode(self) -> bytes:
        if self.kind == "pyo":
            code = self.modules[0][1].encode()
            return PYO_MAGIC + U32.pack(len(code)) + code
        index, bodies = b"", b""
        for name, code in self.modules:
            body = code.encode()
            raw = name.encode()[:self.block - 5]
            index += raw + bytes(self.block - 4 - len(raw)) + U32.pack(len(body))
            bodies += body + bytes(-len(body) % 4)
        rest = index + bodies
        total = self.block + len(rest)
        head = PYA_HEADER.pack(PYA_MAGIC, total, self.version, len(self.modules), self.block, times33(rest))
        return head + bytes(self.block - len(head)) + rest


def parse_code(data: bytes) -> Code | None:
    """A module's code, if its sizes hold."""
    if len(data) < 8:
        return None
    ins = U32.unpack_from(data)[0]
    if ins % 4 or 8 + ins > len(data):
        return None
    pool = U32.unpack_from(data, 4 + ins)[0]
    if 8 + ins + pool != len(data):
        return None
    return Code([data[4 + i:8 + i] for i in range(0, ins, 4)], data[8 + ins:])


def parse(blob: bytes) -> Blob | None:
    """The blob taken apart, or None when its sizes do not hold (a mutant
    that lies: byte-level mutations then work on it)."""
    if blob.startswith(PYO_MAGIC) and len(blob) >= 8 and U32.unpack_from(blob, 4)[0] == len(blob) - 8:
        code = parse_code(blob[8:])
        return Blob("pyo", [("main", code)]) if code else None
    if not blob.startswith(PYA_MAGIC) or len(blob) < PYA_HEADER.size:
        return None
    _, total, version, count, block, _ = PYA_HEADER.unpack_from(blob)
    if total != len(blob) or block < 8 or block % 4 or not 0 < count <= 255 or block * (count + 1) > len(blob):
        return None
    modules, at = [], block * (count + 1)
    for i in range(count):
        entry = blob[block * (i + 1):block * (i + 2)]
        size = U32.unpack_from(entry, block - 4)[0]
        code = parse_code(blob[at:at + size])
        if code is None:
            return None
        modules.append((entry[:block - 4].split(b"\0")[0].decode("latin-1"), code))
        at += (size + 3) & ~3
    return Blob("pya", modules, version, block) if at == len(blob) else None


def suffix(blob: bytes) -> str:
    return ".py.a" if blob.startswith(PYA_MAGIC) else ".py.o"


def pack(modules: list[tuple[str, bytes]]) -> bytes:
    """A .py.a of (name, .py.o) modules, as the core's packer lays it out."""
    codes = []
    for name, pyo in modules:
        parsed = parse(pyo)
        if parsed is None or parsed.kind != "pyo":
            raise ValueError(f"module {name} is no whole .py.o")
        codes.append((name, parsed.modules[0][1]))
    return Blob("pya", codes).encode()
