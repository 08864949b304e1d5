"""Firmware footprint: text, data and bss of an ELF against a target's budget."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError

SHF_WRITE, SHF_ALLOC = 0x1, 0x2
SHT_NOBITS = 8


@dataclass(frozen=True)
class Footprint:
    text: int    # code and constants: flash
    data: int    # initialised data: flash and RAM
    bss: int     # zeroed RAM, the GC heap included, the stack excluded
    stack: int   # RAM the linker leaves to the stack (0 if it does not say)

    @property
    def flash(self) -> int:
        return self.text + self.data

    @property
    def ram(self) -> int:
        return self.data + self.bss

    def check(self, name: str, budget: dict) -> list[str]:
        """Problems against ``budget`` (flash/ram in bytes); empty if it fits."""
        problems = []
        if budget.get("flash") and self.flash > budget["flash"]:
            problems.append(f"flash: {self.flash} bytes (text {self.text} + data {self.data}) "
                            f"exceed {budget['flash']} by {self.flash - budget['flash']}")
        if budget.get("ram") and self.ram + self.stack > budget["ram"]:
            problems.append(f"RAM: {self.ram} bytes (data {self.data} + bss {self.bss}) and a "
                            f"{self.stack}-byte stack exceed {budget['ram']}")
        return problems

    def describe(self, budget: dict | None = None) -> str:
        budget = budget or {}
        parts = [f"text {self.text}", f"data {self.data}", f"bss {self.bss}"]
        if self.stack:
            parts.append(f"stack {self.stack}")
        text = ", ".join(parts)
        if budget.get("flash"):
            text += f"; flash {self.flash}/{budget['flash']} ({100 * self.flash / budget['flash']:.1f}%)"
        if budget.get("ram"):
            used = self.ram + self.stack
            text += f", RAM {used}/{budget['ram']} ({100 * used / budget['ram']:.1f}%)"
        return text


def measure(elf: Path) -> Footprint:
    """Sum an ELF's allocated sections the way `size` does (Berkeley format)."""
    data = elf.read_bytes()
    if data[:4] != b"\x7fELF":
        raise BuildError(f"{elf} is not an ELF file")
    try:
        return _measure(data)
    except (struct.error, IndexError, ValueError, UnicodeDecodeError):
        raise BuildError(f"{elf} is not a whole ELF file (truncated or damaged)",
                         f"delete its build folder {elf.parent} to build it anew") from None


def _measure(data: bytes) -> Footprint:
    is64 = data[4] == 2
    endian = "<" if data[5] == 1 else ">"
    if is64:
        shoff, = struct.unpack_from(endian + "Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from(endian + "HHH", data, 0x3A)
        fmt = endian + "IIQQQQIIQQ"
    else:
        shoff, = struct.unpack_from(endian + "I", data, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from(endian + "HHH", data, 0x2E)
        fmt = endian + "IIIIIIIIII"
    sections = [struct.unpack_from(fmt, data, shoff + i * shentsize) for i in range(shnum)]
    names_offset = sections[shstrndx][4]

    def name(sh) -> str:
        start = names_offset + sh[0]
        return data[start:data.index(b"\0", start)].decode()

    text = dat = bss = stack = 0
    for sh in sections:
        _, kind, flags, _, _, size = sh[:6]
        if not flags & SHF_ALLOC:
            continue
        if name(sh) == ".stack":
            stack += size
        elif kind == SHT_NOBITS:
            bss += size
        elif flags & SHF_WRITE:
            dat += size
        else:
            text += size
    return Footprint(text, dat, bss, stack)
