"""PikaScript core 1.8.6's blob formats: .py.o (one module's bytecode) and .py.a (a library).

Core 1.8.6 (PikaCompiler.c at commit 71364445e; measured,
../shared/vm-sources/README.md):

- ``.py.o``: no magic and no total size: u16 instruction bytes, 4-byte
  instructions {u8 depths (low nibble block, high nibble invoke), u8 new-line
  bit 0x80 | opcode, u16 constant offset}, u16 pool size, the pool
  (NUL-terminated strings, starting with a NUL).
- ``.py.a``: magic ``7f 'pya'``, u32 version 1, u32 module count, padded to
  a 32-byte entry; one 32-byte entry per module (its name NUL-padded in 28
  bytes, the size of its code, a multiple of 4, in the last four), then each
  module's code (its .py.o), padded to 4.

A core 1.14 blob starts ``0f 'pyo'`` or ``0f 'pya'``; read as a 1.8.6 .py.o
its first u16 (0x700f) is no multiple of 4. The device announces what it
loads (INFO ``pyo=1.8.6 pya=1``).
"""

from __future__ import annotations

import struct
from pathlib import Path

from ...device.info import DeviceInfo
from . import formats

FORMAT = "1.8.6"           # the .py.o format a device of this core announces (pyo=)
PYA_MAGIC = b"\x7fpya"
PYA_HEADER = struct.Struct("<4sII")   # magic, version, module count
ENTRY = 32


def pyo_layout(code: bytes, padded: bool = False) -> tuple[int, int] | None:
    """(instruction bytes, pool size) when ``code`` is laid out as a .py.o
    whose sizes add up (``padded``: up to 3 bytes of padding after it), else None."""
    if len(code) < 5:
        return None
    ins = struct.unpack_from("<H", code)[0]
    if ins % 4 or 4 + ins > len(code):
        return None
    pool = struct.unpack_from("<H", code, 2 + ins)[0]
    spare = len(code) - (4 + ins + pool)
    if pool < 1 or spare < 0 or spare > (3 if padded else 0):
        return None
    return ins, pool


def is_blob(blob: bytes) -> bool:
    """Whether ``blob`` is laid out as a core 1.8.6 .py.o or .py.a."""
    return blob.startswith(PYA_MAGIC) or pyo_layout(blob) is not None


def describe(blob: bytes) -> str:
    """What the blob is, for messages: ".py.o", ".py.a version 1"."""
    if blob.startswith(PYA_MAGIC) and len(blob) >= PYA_HEADER.size:
        return f".py.a version {PYA_HEADER.unpack_from(blob)[1]}"
    return ".py.o"


def blob_problem(blob: bytes, info: DeviceInfo) -> str | None:
    """Why the device that announced ``info`` (a core 1.8.6 device) cannot load ``blob``, or None."""
    if blob.startswith(PYA_MAGIC):
        if len(blob) < PYA_HEADER.size:
            return "a .py.a shorter than its header"
        version = PYA_HEADER.unpack_from(blob)[1]
        pya = info.get("pya")
        if pya and pya != str(version):
            return f"the blob is a .py.a of version {version}; the device loads version {pya}"
        return None
    if pyo_layout(blob) is None:
        return "no PikaScript 1.8.6 blob (neither a .py.o whose sizes add up nor a .py.a, 7f 'pya')"
    return None


def modules_of(blob: bytes) -> list[tuple[str, bytes]]:
    """The (name, code) of each module of a .py.a; a .py.o is one module, main."""
    if not blob.startswith(PYA_MAGIC):
        return [("main", blob)]
    count = PYA_HEADER.unpack_from(blob)[2]
    found, at = [], ENTRY * (count + 1)
    for i in range(count):
        entry = blob[ENTRY * (i + 1):ENTRY * (i + 2)]
        size = struct.unpack_from("<I", entry, ENTRY - 4)[0]
        found.append((entry[:ENTRY - 4].split(b"\0")[0].decode("utf-8", "replace"), blob[at:at + size]))
        at += size
    return found


def instruction_names(source_root: Path) -> list[str]:
    """The opcodes in order: core 1.8.6 keeps its table in a .cfg."""
    return formats.instruction_names(source_root, "__instruction_table.cfg")


def disassemble(blob: bytes, names: list[str]) -> str:
    """Each module's instructions: depth, opcode, constant; a line start marked."""
    lines = []
    for module, code in modules_of(blob):
        lines.append(f"module {module}:")
        layout = pyo_layout(code, padded=True)
        if layout is None:
            lines.append("  (sizes do not add up)")
            continue
        ins, _ = layout
        pool = code[4 + ins:]
        lines += [formats.instruction_line(code, at, pool, names) for at in range(2, 2 + ins, 4)]
    return "\n".join(lines) + "\n"
