"""PikaScript's blobs as the fuzzer sees them: a model shared by the cores
(``Code``: one module's instructions and constant pool; ``Blob``: a .py.o,
one module, or a .py.a of several) and each core's layout (``Layout``),
which takes a blob apart into that model and puts it back together with
every size and checksum made to match. ``LAYOUTS`` holds them by the .py.o
format a runner announces (INFO ``pyo``).

The instructions are the same 4 bytes in both cores ({u8 depths, u8
new-line bit | opcode, u16 constant offset}) and the pool the same
NUL-terminated strings, starting with a NUL; what differs is around them.

Core 1.14 (this module; harness/vms/pikascript/formats.py tells them in full):

- ``.py.o``: magic ``0f 'pyo'``, u32 size of the rest, then the code: u32
  instruction bytes, the instructions, u32 pool size, the pool.
- ``.py.a``: 64-byte blocks: a header {magic ``0f 'pya'``, u32 total size,
  u32 version 7, u32 module count, u32 block size, u32 times33 checksum of
  everything after the first block}, an index block per module (its name
  NUL-padded, the size of its code in the last four bytes), the modules'
  code, each padded to 4.

Core 1.8.6: ``pika_v1_8_6.py``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field, replace

from harness.vms.pikascript.formats import PYA_HEADER, PYA_MAGIC, PYO_MAGIC, times33

BLOCK = 64
U32 = struct.Struct("<I")


@dataclass
class Code:
    """One module's code: its instructions (4 bytes each) and constant pool."""

    instructions: list[bytes]
    pool: bytes

    def string_starts(self) -> list[int]:
        """Offsets of the pool's strings: where a constant offset points."""
        return [0] + [i + 1 for i, b in enumerate(self.pool[:-1]) if b == 0]


@dataclass
class Blob:
    """A parsed .py.o (one module, ``main``) or .py.a, in its core's layout."""

    kind: str                                    # pyo or pya
    layout: "Layout"                             # its core's
    modules: list[tuple[str, Code]] = field(default_factory=list)
    version: int = 7                             # .py.a only
    block: int = BLOCK                           # .py.a: bytes of an index entry

    def encode(self) -> bytes:
        return self.layout.encode(self)

    def copy(self, modules=None) -> "Blob":
        """The same blob with ``modules`` (default: its own, each a fresh Code)."""
        modules = modules if modules is not None else self.modules
        return replace(self, modules=[(n, Code(list(c.instructions), c.pool)) for n, c in modules])


@dataclass(frozen=True)
class Field:
    """A size, count, version or checksum in an encoded blob: what a lie overwrites."""

    offset: int
    width: int        # 2 or 4 bytes, little-endian


class Layout:
    """One core's layouts of .py.o and .py.a (this class: core 1.14's)."""

    core = "1.14"
    opcodes = 72              # opcodes a mutation draws: the core's table has fewer, the rest are unknown
    pya_prefix = PYA_MAGIC

    @property
    def name(self) -> str:
        return f"PikaScript {self.core} .py.o/.py.a"

    def name_max(self, blob: Blob) -> int:
        """The longest module name an index entry holds with its NUL."""
        return blob.block - 5

    # --- one module's code ---------------------------------------------------------
    def encode_code(self, code: Code) -> bytes:
        ins = b"".join(code.instructions)
        return U32.pack(len(ins)) + ins + U32.pack(len(code.pool)) + code.pool

    def parse_code(self, data: bytes) -> Code | None:
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

    def code_fields(self, code: Code, at: int) -> list[Field]:
        """The sizes of a module's code encoded at ``at``."""
        ins = 4 * len(code.instructions)
        return [Field(at, 4), Field(at + 4 + ins, 4)]

    # --- whole blobs -------------------------------------------------------------------
    def encode(self, blob: Blob) -> bytes:
        if blob.kind == "pyo":
            code = self.encode_code(blob.modules[0][1])
            return PYO_MAGIC + U32.pack(len(code)) + code
        index, bodies = b"", b""
        for name, code in blob.modules:
            body = self.encode_code(code)
            raw = name.encode()[:self.name_max(blob)]
            index += raw + bytes(blob.block - 4 - len(raw)) + U32.pack(len(body))
            bodies += body + bytes(-len(body) % 4)
        rest = index + bodies
        total = blob.block + len(rest)
        head = PYA_HEADER.pack(PYA_MAGIC, total, blob.version, len(blob.modules), blob.block, times33(rest))
        return head + bytes(blob.block - len(head)) + rest

    def parse(self, data: bytes) -> Blob | None:
        """The blob taken apart, or None when its sizes do not hold (a mutant
        that lies: byte-level mutations then work on it)."""
        if data.startswith(PYO_MAGIC) and len(data) >= 8 and U32.unpack_from(data, 4)[0] == len(data) - 8:
            code = self.parse_code(data[8:])
            return Blob("pyo", self, [("main", code)]) if code else None
        if not data.startswith(PYA_MAGIC) or len(data) < PYA_HEADER.size:
            return None
        _, total, version, count, block, _ = PYA_HEADER.unpack_from(data)
        if total != len(data) or block < 8 or block % 4 or not 0 < count <= 255 or block * (count + 1) > len(data):
            return None
        modules, at = [], block * (count + 1)
        for i in range(count):
            entry = data[block * (i + 1):block * (i + 2)]
            size = U32.unpack_from(entry, block - 4)[0]
            code = self.parse_code(data[at:at + size])
            if code is None:
                return None
            modules.append((entry[:block - 4].split(b"\0")[0].decode("latin-1"), code))
            at += (size + 3) & ~3
        return Blob("pya", self, modules, version, block) if at == len(data) else None

    def fields(self, blob: Blob) -> list[Field]:
        """Every size, count, version and checksum of ``blob`` encoded."""
        if blob.kind == "pyo":
            return [Field(4, 4), *self.code_fields(blob.modules[0][1], 8)]
        found = [Field(at, 4) for at in (4, 8, 12, 16, 20)]
        at = blob.block * (len(blob.modules) + 1)
        for i, (_, code) in enumerate(blob.modules):
            found.append(Field(blob.block * (i + 2) - 4, 4))
            found += self.code_fields(code, at)
            at += (len(self.encode_code(code)) + 3) & ~3
        return found

    def name_spans(self, blob: Blob) -> list[tuple[int, int]]:
        """(offset, length) of each .py.a index entry's name field."""
        return [(blob.block * (i + 1), blob.block - 4) for i in range(len(blob.modules))]

    def suffix(self, data: bytes) -> str:
        return ".py.a" if data.startswith(self.pya_prefix) else ".py.o"

    def new_library(self, modules: list[tuple[str, Code]]) -> Blob:
        return Blob("pya", self, modules)

    def pack(self, modules: list[tuple[str, bytes]]) -> bytes:
        """A .py.a of (name, .py.o) modules, as the core's packer lays it out."""
        codes = []
        for name, pyo in modules:
            parsed = self.parse(pyo)
            if parsed is None or parsed.kind != "pyo":
                raise ValueError(f"module {name} is no whole .py.o")
            codes.append((name, parsed.modules[0][1]))
        return self.new_library(codes).encode()


V1_14 = Layout()

