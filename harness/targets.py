"""Target descriptions: targets/<name>/target.toml, validated on load.

Targets of your own (a board of your lab, a VM of your own) may live outside
this project: ``$HIL_TARGETS`` names folders (separated by ``:``) searched for
``<name>/target.toml`` before the project's targets/.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .paths import TARGETS_DIR

# key: (type, required)
_SCHEMA = {
    "name": (str, True),
    "description": (str, True),
    "vm": (str, True),
    "pin": (str, False),     # which pinned source of the VM (default: the profile's)
    "firmware_hint": (str, False),  # for firmware="user": where to get it
    "config": (str, False),  # required when the harness builds the firmware
    "board": (str, False),   # required when the harness builds the firmware
    "launcher": (str, True),
    "transport": (str, True),
    "reference": (str, False),
    "timeout": ((int, float), False),
    "timeout_floor": ((int, float), False),
    "link_baud": (int, False),
    "make": (dict, False),
    "memory": (dict, False),
    "qemu": (dict, False),
    "startup_timeout": ((int, float), False),
    "firmware": (str, False),
    "perf_scale": (int, False),
    "perf_tolerance": ((int, float), False),
    "timing_repeats": (int, False),
    "launcher_options": (dict, False),
}
FIRMWARE_KINDS = ("build", "user")
_SAFE_MAKE_VALUE = re.compile(r"[A-Za-z0-9_.,:/+=-]*")
# Launchers that need no physical board from the inventory.
BOARDLESS_LAUNCHERS = ("process", "qemu")


@dataclass(frozen=True)
class Target:
    name: str
    description: str
    vm: str
    launcher: str        # registry name: process, qemu, ...
    transport: str       # registry name: booter, ...
    path: Path
    pin: str = ""        # the VM's pinned source this target builds ("" : the profile's default)
    firmware_hint: str = ""  # firmware="user": where the user gets it, for the error that says none was given
    config: str = ""     # the VM profile's feature configuration ("" for user firmware)
    board: str = ""      # board layer folder under targets/boards/ ("" for user firmware)
    reference: str = ""  # target whose output this one must match byte for byte
    timeout: float = 10.0
    # The least time a case gets when its limit is derived from its host
    # reference's run (harness/suite/timelimits.py): the device's own
    # overhead per run, and its output's time on a slow link.
    timeout_floor: float = 0.5
    # Pace the link as a UART at this baud rate would (harness/device/pacing.py):
    # an emulated board then waits on its link as a real one does. 0: as fast as it goes.
    link_baud: int = 0
    startup_timeout: float = 20.0
    make: dict = field(default_factory=dict)    # extra make variables for the build
    memory: dict = field(default_factory=dict)  # flash / ram budget in bytes
    qemu: dict = field(default_factory=dict)    # machine, globals, icount
    firmware: str = "build"  # "build": the harness builds it; "user": the user gives it (--firmware)
    launcher_options: dict = field(default_factory=dict)  # defaults for the launcher, under the board's entry
    perf_scale: int = 1         # how much work a benchmark does here (its speed relative to a 64 MHz M0)
    perf_tolerance: float = 0.10  # a case this much slower than its baseline is a perf regression
    timing_repeats: int = 1     # runs per case for the timing (noisy hosts take a median of several)

    @property
    def exact_cycles(self) -> bool:
        """Whether a run's cycle count is exact: QEMU's -icount counts
        executed instructions, so the same blob on the same firmware gives
        the same count every time. Host and board clocks are measured: they
        vary from run to run."""
        return bool(self.qemu.get("icount"))

    @property
    def link_rate(self) -> int:
        """The baud rate of the target's serial link, where known (its
        ``link_baud``, or its launcher's ``baud``); 0 when it has none."""
        return self.link_baud or int(self.launcher_options.get("baud", 0) or 0)

    @property
    def needs_board(self) -> bool:
        return self.launcher not in BOARDLESS_LAUNCHERS

    @property
    def folder(self) -> Path:
        return self.path.parent


TARGETS_ENV = "HIL_TARGETS"


def target_folders(root: Path | None = None) -> list[Path]:
    """Where target files are looked for: ``root`` alone when given, else
    the folders of $HIL_TARGETS, then the project's targets/."""
    if root is not None:
        return [root]
    extra = [Path(p).expanduser() for p in os.environ.get(TARGETS_ENV, "").split(os.pathsep) if p]
    return extra + [TARGETS_DIR]


def available_targets(root: Path | None = None) -> list[str]:
    return sorted({p.parent.name for folder in target_folders(root) for p in folder.glob("*/target.toml")})


def load_target(name: str, root: Path | None = None) -> Target:
    found = [folder / name / "target.toml" for folder in target_folders(root)
             if (folder / name / "target.toml").is_file()] if name and "/" not in name else []
    if not found:
        raise ConfigError(f"no target named {name!r}",
                          f"available targets: {', '.join(available_targets(root)) or 'none'}")
    path = found[0]
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    for key, value in data.items():
        if key not in _SCHEMA:
            raise ConfigError(f"{path}: unknown key {key!r}", f"known keys: {', '.join(_SCHEMA)}")
        kind, _ = _SCHEMA[key]
        if not isinstance(value, kind):
            raise ConfigError(f"{path}: {key!r} has the wrong type ({type(value).__name__})")
    missing = [k for k, (_, required) in _SCHEMA.items() if required and k not in data]
    if data.get("firmware", "build") == "build":
        missing += [k for k in ("config", "board") if k not in data]
    if missing:
        raise ConfigError(f"{path}: missing {', '.join(missing)}")
    if data["name"] != name:
        raise ConfigError(f"{path}: name {data['name']!r} does not match its folder {name!r}")
    if data.get("firmware", "build") not in FIRMWARE_KINDS:
        raise ConfigError(f"{path}: firmware must be one of {', '.join(FIRMWARE_KINDS)}")
    for k, v in data.get("make", {}).items():
        # Values reach make's command line: make expands $(...) in them.
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", k) or not isinstance(v, str) or not _SAFE_MAKE_VALUE.fullmatch(v):
            raise ConfigError(f"{path}: make.{k} = {v!r} is not a plain make variable",
                              "names are upper-case, values are strings of letters, digits and ._,:/+=-")
    for key in ("memory",):
        for k, v in data.get(key, {}).items():
            if not isinstance(v, int) or v <= 0:
                raise ConfigError(f"{path}: {key}.{k} must be a positive number of bytes")
    if "link_baud" in data and (isinstance(data["link_baud"], bool) or data["link_baud"] <= 0):
        raise ConfigError(f"{path}: link_baud must be a positive baud rate, not {data['link_baud']!r}")
    for key in ("timeout", "timeout_floor", "startup_timeout"):
        if key in data and (isinstance(data[key], bool) or data[key] <= 0):
            raise ConfigError(f"{path}: {key} must be a positive number of seconds, not {data[key]!r}")
    return Target(path=path, **data)
