"""The .mpy format's header, and the one check of whether firmware can load a blob.

Both ways into a MicroPython device use it: the booter's INFO says ``mpy``
(version.sub-version), ``arch`` and ``smallint``; the raw-REPL transport
reads the same from ``sys.implementation._mpy`` and announces them alike
(with ``sys_mpy``, the value it read). The rules are the loader's
(py/persistentcode.c).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...device.info import DeviceInfo
from .bundle import unbundle

MPY_MAGIC = ord("M")

# MicroPython's native code architectures (py/persistentcode.h).
ARCH_NAMES = ["none", "x86", "x64", "armv6", "armv6m", "armv7m", "armv7em", "armv7emsp", "armv7emdp",
              "xtensa", "xtensawin", "rv32imc"]
ARCH_ARMV6M, ARCH_ARMV7EMDP = 4, 8


@dataclass(frozen=True)
class MpyHeader:
    version: int
    sub_version: int
    arch: int
    small_int_bits: int

    @classmethod
    def parse(cls, blob: bytes) -> "MpyHeader | None":
        if len(blob) < 4 or blob[0] != MPY_MAGIC:
            return None
        return cls(blob[1], blob[2] & 3, blob[2] >> 2, blob[3])


@dataclass(frozen=True)
class Loader:
    """What a firmware's .mpy loader accepts, from what the device announced."""

    version: int
    sub: int
    arch: int         # index in ARCH_NAMES; 0: bytecode only
    smallint: int     # bits; 0: not announced
    said: str         # how the device said it, for messages

    @classmethod
    def from_info(cls, info: DeviceInfo) -> "Loader | None":
        """None when the device announced no .mpy version (it accepts any)."""
        version, _, sub = info.get("mpy").partition(".")
        if not version.isdigit():
            return None
        arch = info.get("arch", "none")
        said = f"the firmware loads .mpy {version}.{sub or 0}"
        if info.get("sys_mpy"):
            said += f" (sys.implementation._mpy = {info.get('sys_mpy')})"
        return cls(int(version), int(sub or 0), ARCH_NAMES.index(arch) if arch in ARCH_NAMES else 0,
                   info.number("smallint", 0), said)

    @classmethod
    def from_sys_mpy(cls, mpy: int, smallint: int) -> "Loader":
        """From ``sys.implementation._mpy`` (version | sub << 8 | arch << 10)."""
        return cls(mpy & 0xFF, (mpy >> 8) & 3, mpy >> 10, smallint,
                   f"the firmware loads .mpy {mpy & 0xFF}.{(mpy >> 8) & 3} (sys.implementation._mpy = {mpy:#x})")

    def problem(self, blob: bytes) -> str | None:
        """Why this loader cannot load the .mpy ``blob``, or None."""
        header = MpyHeader.parse(blob)
        if header is None:
            return "not a .mpy file (no 'M' header)"
        if header.version != self.version:
            return f"the blob is .mpy version {header.version}; {self.said}"
        if header.arch:
            name = ARCH_NAMES[header.arch] if header.arch < len(ARCH_NAMES) else str(header.arch)
            if header.sub_version != self.sub:
                return f"the blob's native code is .mpy {header.version}.{header.sub_version}; {self.said}"
            if self.arch == 0:
                return f"the blob holds native code for {name}; the firmware runs bytecode only"
            arm_ok = ARCH_ARMV6M <= header.arch <= self.arch <= ARCH_ARMV7EMDP
            if header.arch != self.arch and not arm_ok:
                return f"the blob holds native code for {name}; the firmware runs {ARCH_NAMES[self.arch]}"
        if self.smallint and header.small_int_bits > self.smallint:
            return f"the blob needs {header.small_int_bits}-bit small ints; the firmware has {self.smallint}"
        return None


def blob_problem(blob: bytes, info: DeviceInfo) -> str | None:
    """Why the device that announced ``info`` cannot load ``blob`` (a .mpy,
    or a bundle of them), or None."""
    program, modules = unbundle(blob)
    loader = Loader.from_info(info)
    if loader is None:
        return None if MpyHeader.parse(program) else "not a .mpy file (no 'M' header)"
    for name, code in [("", program), *modules]:
        problem = loader.problem(code)
        if problem:
            return f"{name}: {problem}" if name else problem
    return None
