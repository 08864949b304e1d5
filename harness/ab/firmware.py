"""Each side's firmware for a target: flash and RAM by section, the change, what grew.

The firmware is built as the side's run builds it (cached: the run then
finds it built). Its ELF's allocated sections are compared one by one, as a
code-size report does, with the totals against the target's budget; its
symbol table gives the functions and objects that grew or shrank most.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import BuildError, HarnessError
from ..footprint import Footprint, measure, sections, symbols
from ..targets import Target

TOP_SYMBOLS = 12
# GCC's clones of a function (partial inlining, constant propagation, LTO's
# renaming) are counted with it: their names change from build to build.
_CLONE = re.compile(r"(\.(part|constprop|isra|lto_priv|cold|localalias)(\.\d+)?)+$")


def by_function(sizes: dict[str, int]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for name, size in sizes.items():
        base = _CLONE.sub("", name)
        merged[base] = merged.get(base, 0) + size
    return merged


@dataclass
class FirmwareSide:
    footprint: Footprint | None = None
    sections: dict = field(default_factory=dict)   # name -> (region, size)
    symbols: dict = field(default_factory=dict)    # name -> size
    problems: list = field(default_factory=list)   # what does not fit the budget
    note: str = ""                                 # why there is no figure


@dataclass
class FirmwareAB:
    target: Target
    a: FirmwareSide
    b: FirmwareSide

    @property
    def measured(self) -> bool:
        return self.a.footprint is not None and self.b.footprint is not None

    @property
    def worse(self) -> bool:
        """B's firmware no longer fits where A's did."""
        return bool(self.b.problems) and not self.a.problems

    def rows(self) -> list[tuple[str, str, int | None, int | None]]:
        """(section, region, A bytes, B bytes), sections in A's order, then
        B's new ones, then the totals."""
        names = list(self.a.sections) + [n for n in self.b.sections if n not in self.a.sections]
        rows = []
        for name in names:
            region = (self.a.sections.get(name) or self.b.sections[name])[0]
            rows.append((name, region, _size(self.a.sections.get(name)), _size(self.b.sections.get(name))))
        if self.measured:
            fa, fb = self.a.footprint, self.b.footprint
            rows += [("flash (text + data)", "total", fa.flash, fb.flash),
                     ("RAM (data + bss + stack)", "total", fa.ram + fa.stack, fb.ram + fb.stack)]
        return rows

    def symbol_changes(self, top: int = TOP_SYMBOLS) -> list[tuple[str, int, int]]:
        """The functions and objects whose size changed most, either way:
        (name, A bytes, B bytes), 0 where a side has none."""
        names = set(self.a.symbols) | set(self.b.symbols)
        changed = [(n, self.a.symbols.get(n, 0), self.b.symbols.get(n, 0)) for n in names
                   if self.a.symbols.get(n, 0) != self.b.symbols.get(n, 0)]
        changed.sort(key=lambda s: (-abs(s[2] - s[1]), s[0]))
        return changed[:top]

    def budget_line(self, side: str) -> str:
        f = self.a if side == "A" else self.b
        if f.footprint is None:
            return f.note
        text = f.footprint.describe(self.target.memory)
        return text + ("; DOES NOT FIT: " + "; ".join(f.problems) if f.problems else "")


def _size(entry) -> int | None:
    return entry[1] if entry else None


def measure_side(target: Target, toolchain, make_overrides: dict | None = None) -> FirmwareSide:
    """The side's firmware for ``target``, built with ``toolchain``, measured."""
    if target.firmware == "user":
        return FirmwareSide(note="runs firmware you provide: not measured")
    try:
        firmware = toolchain.profile.build_firmware(target, toolchain.source, toolchain.cache,
                                                    make_overrides=make_overrides)
    except HarnessError as exc:
        return FirmwareSide(note=f"not built: {exc.message}")
    if firmware.product.read_bytes()[:4] != b"\x7fELF":
        return FirmwareSide(note="not an ELF file (a script): not measured")
    try:
        footprint = measure(firmware.product)
        found = {s.name: (s.region, s.size) for s in sections(firmware.product)}
        sizes = symbols(firmware.product)
    except BuildError as exc:
        return FirmwareSide(note=exc.message)
    return FirmwareSide(footprint, found, by_function(sizes), footprint.check(target.name, target.memory))
