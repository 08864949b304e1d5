"""The VM profile: everything the harness asks of one Python VM, in one written interface.

A VM is two things: a profile here (a ``VMProfile`` subclass in
``harness/vms/<name>/``, registered with ``@vm_profiles.register(name)``, the
name target files give as ``vm``), and its C side under ``targets/<name>/``
(``hil_vm.h`` implemented for the VM, and a make fragment ``port.mk`` that
brings its sources and configuration header into the boards' rules). Nothing
outside those two folders names the VM: the runner, the verdicts, the
reports and the front ends ask the profile.

What a profile answers, in the order a case meets it:

- **Source**: its pinned source (``pins``), verified, or a user's checkout
  (``source``, ``recognises``).
- **Compiler**: built from that source and cached (``build_compiler``); it
  turns a program into a blob (``Compiler.compile``), and a program with the
  helper modules it imports into one blob (``compile``).
- **Firmware**: a booter firmware or host runner for a target
  (``build_firmware``), and the twin with the VM's compiler kept that the
  footprint report compares against (``compiler_twin_overrides``).
- **Blobs against devices**: whether a device, by what it announced, can load
  a blob (``check_blob``) and how many helper modules it takes
  (``modules_capacity``), so a blob it cannot load is never sent.
- **Judging**: what its compiler's rejection means (``compile_needs``), what
  an error at run time shows the target lacks (``missing_feature``), what a
  script of its own test suite needs by that suite's runner's conventions
  (``script_needs``), how its
  output is read (``normalise_output``, ``error_line``): the VM's own
  conventions, documented in its profile, never a way to hide a defect.
- **Known deviations**: a file listing cases it is known to fail, per pin,
  with the reason and a reproduction (``deviations_file``): they report as
  xfail, and fail again when they pass (harness/suite/deviations.py).
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Protocol, Sequence

from ..build import BuildResult
from ..device.info import DeviceInfo
from ..targets import Target
from ..vmsource import SourcePin, VMSource


class CompileError(Exception):
    """The VM's compiler rejected a program (a verdict on the case: fail,
    kind compile-error); the message is the compiler's. ``module`` names the
    helper module it rejected, '' for the program itself."""

    def __init__(self, message: str, module: str = ""):
        super().__init__(message)
        self.module = module


class Compiler(Protocol):
    """A VM's compiler, built from its source: ``compile`` raises
    ``CompileError`` when the program is rejected, and a ``HarnessError``
    when the compiler itself failed (it died by a signal, say)."""

    identity: str          # what compiled blobs are keyed by, with the source
    build: BuildResult     # how it was built

    def compile(self, source: bytes, name: str) -> bytes: ...


# A helper module a program imports: its path relative to the program's
# folder, as a source file ("helper.py", "pkg/__init__.py"), and its source.
Module = tuple[str, bytes]


class VMProfile(ABC):
    name: str = ""               # the registry name, as target files give it
    title: str = ""              # for people: "MicroPython"
    compiler_name: str = ""      # for people: "mpy-cross"
    blob_suffix: str = ""        # a compiled program's file suffix: ".mpy"
    pins: dict[str, SourcePin] = {}   # the pinned sources, by the name a target gives as ``pin``
    default_pin: str = ""
    deviations_file: Path | None = None   # its known deviations (harness/suite/deviations.py); None: none

    # --- source ------------------------------------------------------------
    @abstractmethod
    def source(self, cache: Path, vm_src: str | None = None, pin: str = "") -> VMSource:
        """The VM's source tree: the checkout ``vm_src``, else the pinned
        source ``pin`` (the default pin when ''), verified and unpacked
        into ``cache``. A missing or wrong source is a ``SourceError`` that
        says what to give."""

    @abstractmethod
    def recognises(self, root: Path) -> bool:
        """Whether the folder ``root`` is a source tree of this VM (for
        ``--vm-src PATH`` without a VM name)."""

    # --- compiler ----------------------------------------------------------
    @abstractmethod
    def build_compiler(self, source: VMSource, cache: Path, target: Target | None = None) -> Compiler:
        """The compiler built from ``source``, cached; for ``target`` when
        the VM's compiler depends on the target's configuration."""

    def compiler_key(self, target: Target | None) -> str:
        """Targets with the same key share one compiler (one, by default)."""
        return ""

    @abstractmethod
    def compile(self, compiler: Compiler, program: bytes, name: str, modules: Sequence[Module] = ()) -> bytes:
        """The blob of ``program`` (``name``: the file name its errors
        show) with the helper ``modules`` it imports; ``CompileError``
        naming the module the compiler rejected."""

    # --- firmware ----------------------------------------------------------
    @abstractmethod
    def build_firmware(self, target: Target, source: VMSource, cache: Path, with_compiler: bool = False,
                       make_overrides: dict | None = None) -> BuildResult:
        """``target``'s firmware or host runner; ``with_compiler`` builds the
        twin with the VM's own compiler kept (a measurement, never run)."""

    def compiler_twin_overrides(self, target: Target) -> dict:
        """Make variables that let the compiler-carrying twin link where it
        would not fit the board."""
        return {}

    def config_hint(self, target: Target) -> str:
        """Where to trim when ``target``'s firmware does not fit."""
        return f"trim the configuration of {target.name} ({target.path})"

    # --- blobs against devices -------------------------------------------------
    @abstractmethod
    def check_blob(self, blob: bytes, info: DeviceInfo) -> str | None:
        """Why the device that announced ``info`` cannot load ``blob``, or None."""

    def modules_capacity(self, info: DeviceInfo) -> int:
        """How many helper modules a blob may carry to this device (0: none)."""
        return info.number("modules", 0)

    def disassemble(self, blob: bytes, source: VMSource, cache: Path) -> str:
        """The blob's code for a person reading a report; a note when there is no tool."""
        return f"(no disassembler for {self.title} blobs)"

    # --- judging -----------------------------------------------------------
    def normalise_output(self, text: str) -> str:
        """The program's output as compared with CPython's: the VM's own
        conventions undone (documented in the profile), nothing else."""
        return text

    def error_line(self, trace: str) -> str:
        """The line of an uncaught error's text that a case's observable
        output ends with (CPython's ``Type: message``): by default the last
        line that is not blank."""
        lines = [line for line in trace.splitlines() if line.strip()]
        return lines[-1].strip() if lines else ""

    def compile_needs(self, message: str, info: DeviceInfo) -> str:
        """What a program the compiler rejected with ``message`` needs that
        the device lacks ('' when the rejection is the program's own fault)."""
        return ""

    def missing_feature(self, error_line: str, info: DeviceInfo, source: str = "") -> str:
        """What the target lacks that a program ending in ``error_line``
        needs, or ''. ``source`` is the program's text."""
        return ""

    def script_needs(self, script_id: str, info: DeviceInfo) -> str:
        """What a corpus script (``script_id``: its path below the corpus,
        without .py) needs that the target lacks, by the conventions of the
        VM's own test runner ("target lacks ..."), or ''."""
        return ""


def compiler_died(executable: Path, identity: str, returncode: int, name: str, compiler: str) -> Exception:
    """What it means that the compiler ``executable`` died by a signal
    compiling ``name``: a damaged build (its bytes are not those it was
    loaded with: an infrastructure error, rebuild it), or the compiler's own
    fault on this program (a finding about the VM: the case fails)."""
    from ..errors import BuildError
    from ..launchers.process import describe_exit

    how = describe_exit(returncode)
    try:
        intact = hashlib.sha256(executable.read_bytes()).hexdigest()[:16] == identity
    except OSError:
        intact = False
    if not intact:
        return BuildError(f"{compiler} ({executable}) {how} compiling {name}, and it is not the build it was",
                          "a damaged build: delete its folder to build it anew")
    return CompileError(f"{compiler} crashed compiling {name}: {how} (a fault of the VM's compiler, "
                        "not of the harness)")
