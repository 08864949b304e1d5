"""PikaScript's blob formats: .py.o (one module's bytecode) and .py.a (a library of them).

Core 1.14.0 (PikaCompiler.c; measured, ../shared/vm-sources/README.md):

- ``.py.o``: magic ``0f 'pyo'``, u32 size of the rest, then the code: u32
  instruction bytes, 4-byte instructions {u8 depths (low nibble block, high
  nibble invoke), u8 new-line bit 0x80 | opcode, u16 constant offset}, u32
  pool size, the pool (NUL-terminated strings, starting with a NUL).
- ``.py.a``: 64-byte blocks (a block is at least 64 bytes); the header
  {magic ``0f 'pya'``, u32 total size, u32 version 7, u32 module count, u32
  block size, u32 times33 checksum (from 5381) of every byte after the first
  block}, one index block per module (its name NUL-padded, the size of its
  code in the block's last four bytes), then each module's code (its .py.o
  without the 8-byte header), padded to 4.

The device announces what it loads (INFO ``pyo=1.14 pya=7``); a blob it
cannot load is never sent.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

from ...device.info import DeviceInfo

FORMAT = "1.14"            # the .py.o format a device of this core announces (pyo=)
PYO_MAGIC = b"\x0fpyo"
PYA_MAGIC = b"\x0fpya"
PYA_HEADER = struct.Struct("<4sIIIII")   # magic, total size, version, count, block size, checksum


# The .py.a version each core's packer writes, by core (major.minor).
PYA_VERSIONS = {"1.14": "7"}


def pya_version(core: str) -> str:
    """The .py.a version core ``core`` ("1.14") loads; '' when not known here."""
    return PYA_VERSIONS.get(core, "")


def times33(data: bytes) -> int:
    h = 5381
    for byte in data:
        h = (h * 33 + byte) & 0xFFFFFFFF
    return h


def is_blob(blob: bytes) -> bool:
    """Whether ``blob`` starts as a core 1.14 .py.o or .py.a does."""
    return blob.startswith(PYO_MAGIC) or blob.startswith(PYA_MAGIC)


def describe(blob: bytes) -> str:
    """What the blob is, for messages: ".py.o", ".py.a version 7", or "unknown"."""
    if blob.startswith(PYO_MAGIC):
        return ".py.o"
    if blob.startswith(PYA_MAGIC) and len(blob) >= PYA_HEADER.size:
        return f".py.a version {PYA_HEADER.unpack_from(blob)[2]}"
    return "no PikaScript 1.14 blob (neither .py.o nor .py.a magic)"


def blob_problem(blob: bytes, info: DeviceInfo) -> str | None:
    """Why the device that announced ``info`` cannot load ``blob``, or None."""
    pyo, pya = info.get("pyo"), info.get("pya")
    if blob.startswith(PYO_MAGIC):
        if pyo and pyo != "1.14":
            return f"the blob is a core 1.14 .py.o; the device loads .py.o of core {pyo}"
        return None
    if blob.startswith(PYA_MAGIC):
        if len(blob) < PYA_HEADER.size:
            return "a .py.a shorter than its header"
        version = PYA_HEADER.unpack_from(blob)[2]
        if pya and pya != str(version):
            return f"the blob is a .py.a of version {version}; the device loads version {pya}"
        return None
    return describe(blob)


def modules_of(blob: bytes) -> list[tuple[str, bytes]]:
    """The (name, code) of each module of a .py.a; a .py.o is one module, main."""
    if blob.startswith(PYO_MAGIC):
        return [("main", blob[8:])]
    _, _, _, count, block, _ = PYA_HEADER.unpack_from(blob)
    found, at = [], block * (count + 1)
    for i in range(count):
        index = blob[block * (i + 1):block * (i + 2)]
        size = struct.unpack_from("<I", index, block - 4)[0]
        found.append((index[:block - 4].split(b"\0")[0].decode("utf-8", "replace"), blob[at:at + size]))
        at += (size + 3) & ~3
    return found


def instruction_names(source_root: Path, table_name: str = "__instruction_table.h") -> list[str]:
    """The opcodes in order, as the source's instruction table lists them
    (``table_name`` in its src/: each core names it its own way)."""
    table = source_root / "src" / table_name
    if not table.is_file():
        return []
    return re.findall(r"^\s*def_ins\((\w+)\)", table.read_text(errors="replace"), re.M)


def disassemble(blob: bytes, names: list[str]) -> str:
    """Each module's instructions: depth, opcode, constant; a line start marked."""
    lines = []
    for module, code in modules_of(blob):
        lines.append(f"module {module}:")
        if len(code) < 8:
            lines.append("  (too short)")
            continue
        ins = struct.unpack_from("<I", code)[0]
        pool_at = 4 + ins + 4
        pool = code[pool_at:]
        lines += [instruction_line(code, at, pool, names) for at in range(4, 4 + ins, 4)]
    return "\n".join(lines) + "\n"


def instruction_line(code: bytes, at: int, pool: bytes, names: list[str]) -> str:
    """The 4-byte instruction at ``at`` (the same in both cores' layouts):
    a line start marked, depths, opcode, its constant from ``pool``."""
    depth, op, const = struct.unpack_from("<BBH", code, at)
    name = names[op & 0x7F] if (op & 0x7F) < len(names) else f"op{op & 0x7F}"
    text = pool[const:pool.index(b"\0", const)].decode("utf-8", "replace") if const < len(pool) and \
        b"\0" in pool[const:] else "?"
    return f"  {'>' if op & 0x80 else ' '} {depth >> 4}/{depth & 15:<2} {name} {text}".rstrip()
