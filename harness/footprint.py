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
    text = dat = bss = stack = 0
    for section in sections(elf):
        if section.region == "stack":
            stack += section.size
        elif section.region == "bss":
            bss += section.size
        elif section.region == "data":
            dat += section.size
        else:
            text += section.size
    return Footprint(text, dat, bss, stack)


@dataclass(frozen=True)
class Section:
    name: str
    size: int
    region: str   # text (flash), data (flash and RAM), bss or stack (RAM)


@dataclass(frozen=True)
class _Elf:
    data: bytes
    is64: bool
    endian: str
    headers: list   # (name offset, type, flags, addr, offset, size, link, info, align, entsize)
    names_offset: int

    def name(self, table_offset: int, at: int) -> str:
        start = table_offset + at
        return self.data[start:self.data.index(b"\0", start)].decode()


def _read(elf: Path) -> _Elf:
    data = elf.read_bytes()
    if data[:4] != b"\x7fELF":
        raise BuildError(f"{elf} is not an ELF file")
    try:
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
        headers = [struct.unpack_from(fmt, data, shoff + i * shentsize) for i in range(shnum)]
        return _Elf(data, is64, endian, headers, headers[shstrndx][4])
    except (struct.error, IndexError) as exc:
        raise _damaged(elf) from exc


def _damaged(elf: Path) -> BuildError:
    return BuildError(f"{elf} is not a whole ELF file (truncated or damaged)",
                      f"delete its build folder {elf.parent} to build it anew")


def sections(elf: Path) -> list[Section]:
    """The allocated sections of an ELF, in its order, each with its region."""
    image = _read(elf)
    found = []
    try:
        for sh in image.headers:
            name_at, kind, flags, _, _, size = sh[:6]
            if not flags & SHF_ALLOC:
                continue
            name = image.name(image.names_offset, name_at)
            region = ("stack" if name == ".stack" else "bss" if kind == SHT_NOBITS
                      else "data" if flags & SHF_WRITE else "text")
            found.append(Section(name, size, region))
    except (IndexError, ValueError, UnicodeDecodeError) as exc:
        raise _damaged(elf) from exc
    return found


SHT_SYMTAB = 2
STT_OBJECT, STT_FUNC = 1, 2


def symbols(elf: Path) -> dict[str, int]:
    """The size of each function and data object of an ELF (its symbol
    table; {} when it was stripped). A name that occurs twice (a static
    function of two files) is summed."""
    image = _read(elf)
    sizes: dict[str, int] = {}
    try:
        for sh in image.headers:
            if sh[1] != SHT_SYMTAB:
                continue
            strtab = image.headers[sh[6]][4]
            offset, size, entsize = sh[4], sh[5], sh[9]
            for at in range(offset, offset + size, entsize):
                if image.is64:
                    name_at, info, _, shndx, _, sym_size = struct.unpack_from(image.endian + "IBBHQQ", image.data, at)
                else:
                    name_at, _, sym_size, info, _, shndx = struct.unpack_from(image.endian + "IIIBBH", image.data, at)
                if info & 0xF in (STT_OBJECT, STT_FUNC) and sym_size and shndx:
                    name = image.name(strtab, name_at)
                    sizes[name] = sizes.get(name, 0) + sym_size
    except (struct.error, IndexError, ValueError, UnicodeDecodeError) as exc:
        raise _damaged(elf) from exc
    return sizes
