"""The PikaScript cores the profile builds, one per pin, and what differs between them.

A target names its core by ``pin`` (target.toml ``pin = "1.8.6"``); the
profile's default is 1.14.0. Each core has its own source archive, its own
C beside the shared port (``side``: targets/pikascript/ for 1.14,
targets/pikascript/v1.8.6/ for 1.8.6, handed to make as ``PIKA_SIDE``), its
own blob formats (``formats``) and the .py.o format its devices announce
(INFO ``pyo=``). Nothing outside this folder knows which cores there are.

- 1.14.0 (commit 8aca0c160): the current core. Its bytecode-only build
  does not fit an STM32G030.
- 1.8.6 (commit 71364445e): the core PikaScript's STM32G030 Booter is
  pinned to, because later cores no longer fit its 64 KiB / 8 KiB.

A blob of one core crashes a VM of the other: the device says which core it
is, and ``blob_problem`` refuses a blob of the other before it is sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from ...device.info import DeviceInfo
from ...errors import SourceError
from ...vmsource import SourcePin
from . import formats, formats_v1_8_6

HOW_TO_ARCHIVE = ("from a checkout of pikasTech/PikaPython at its revision: tar --sort=name --mtime=<commit date> "
                  "--owner=0 --group=0 --numeric-owner --format=gnu of src/, package/PikaStdLib/, "
                  "tools/pikaCompiler/, tools/pikaByteCodeGen/, bsp/stm32g030c8/Booter/pika_config.h, "
                  "port/linux/config/ (1.14) and LICENSE under one top folder, | gzip -n -9 "
                  "(../shared/vm-sources/README.md)")
# PikaPython is in no package registry reachable here; each archive is an
# unmodified subset of the repository.
PIN_1_14 = SourcePin(package="pikapython", version="1.14.0",
                     sha256="b40461cbe448d6f33c455cf831fbdd8072e8003272bdd620b0daca5cb761d326", size=190582,
                     subdir="", registry="", archive="pikapython-8aca0c160-core.tar.gz", made_from=HOW_TO_ARCHIVE)
PIN_1_8_6 = SourcePin(package="pikapython", version="1.8.6",
                      sha256="88ccff6c91b5e395380645eeb28b2c5aa273b8d5de2ba9f885a0a87064d54754", size=74252,
                      subdir="", registry="", archive="pikapython-v1.8.6-core.tar.gz", made_from=HOW_TO_ARCHIVE)
# What every core's tree holds (a checkout is recognised by these).
COMMON_FILES = ("src/PikaVM.c", "src/PikaCompiler.c", "package/PikaStdLib/PikaStdLib.pyi",
                "tools/pikaCompiler/Cargo.toml")


@dataclass(frozen=True)
class Core:
    pin: SourcePin
    side: str                 # its own C, as a folder of targets/ (make's PIKA_SIDE)
    marker: str               # the file of src/ only this core's tree has
    glue_main: str            # the main.py rust-msc reads ('': the precompiler binds PikaStdLib anyway)
    formats: ModuleType       # its blob formats: FORMAT, is_blob, blob_problem, modules_of, disassemble, ...

    @property
    def version(self) -> str:
        return self.pin.version

    @property
    def required(self) -> list[str]:
        return [*COMMON_FILES, f"src/{self.marker}"]


CORES = {
    "1.14.0": Core(PIN_1_14, side="pikascript", marker="PikaVersion.h", glue_main="", formats=formats),
    # rust-msc 1.8.6 binds only what main.py imports.
    "1.8.6": Core(PIN_1_8_6, side="pikascript/v1.8.6", marker="__instruction_table.cfg",
                  glue_main="import PikaStdLib", formats=formats_v1_8_6),
}
DEFAULT = "1.14.0"


def named(pin: str, where: str = "") -> Core:
    """The core a target pins ('' : the default)."""
    try:
        return CORES[pin or DEFAULT]
    except KeyError:
        raise SourceError(f"{where or 'a target'} pins PikaScript {pin!r}, which the profile does not build",
                          f"pins: {', '.join(CORES)}") from None


def of_tree(root: Path) -> Core | None:
    """The core a source tree is, by the files only its version has (core
    1.14's src/PikaVersion.h says 1.14; core 1.8.6 has no version file)."""
    version = root / "src" / "PikaVersion.h"
    if version.is_file():
        text = version.read_text(errors="replace")
        parts = [re.search(rf"#define\s+PIKA_VERSION_{p}\s+(\d+)", text) for p in ("MAJOR", "MINOR")]
        return CORES["1.14.0"] if all(parts) and [m.group(1) for m in parts] == ["1", "14"] else None
    return CORES["1.8.6"] if (root / "src" / "__instruction_table.cfg").is_file() else None


def of_blob(blob: bytes) -> Core | None:
    """The core whose layout ``blob`` has, if exactly one."""
    found = [core for core in CORES.values() if core.formats.is_blob(blob)]
    return found[0] if len(found) == 1 else None


def blob_problem(blob: bytes, info: DeviceInfo) -> str | None:
    """Why the device that announced ``info`` cannot load ``blob``, or None.
    A device that does not announce its .py.o format (firmware the harness did
    not build) is taken for the default core."""
    announced = info.get("pyo") or CORES[DEFAULT].formats.FORMAT
    device = next((core for core in CORES.values() if core.formats.FORMAT == announced), None)
    if device is None:
        return f"the device loads .py.o of PikaScript {announced}, a format this harness does not know"
    other = of_blob(blob)
    if other is not None and other is not device:
        return (f"the blob is core {other.version}'s {other.formats.describe(blob)}, not a PikaScript "
                f"{device.formats.FORMAT} blob: the device runs core {info.get('version') or device.version}, "
                "and a blob of another core crashes it")
    return device.formats.blob_problem(blob, info)
