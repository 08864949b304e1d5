"""The PikaScript (PikaPython) profile: its pinned core, its PC-side compiler,
its port's builds, .py.o and .py.a blobs, and how its output is read.

PikaScript's own flow is bytecode-hil's: the PC compiles ``main.py`` and the
modules it imports into ``.py.o`` bytecode and packs modules into a ``.py.a``
library; the parser is left out of the firmware, which runs a module with
``pikaVM_runByteCode()`` or links a library and runs its ``main``.

Output conventions the profile reads (``normalise_output``), and only these:

- ``print()`` ends its lines with ``\\r\\n``: read as ``\\n``.
- The first root object after a boot prints a "POWERED BY" banner. The
  booter's VM side keeps it out of a program's output
  (targets/pikascript/hil_run.c); firmware the harness did not build prints
  it before the first program's output, and it is taken off there.
- An uncaught error prints the failing line's bytecode (``-> RIS (#0)``)
  and the run returns normally. The VM side reads the outcome from the VM's
  own state and ends the error's text with a last line, ``Type: message``
  as the VM printed it, or the type alone where the VM drops the message
  (an exception object a program raises); that line is compared, as
  CPython's last traceback line is.

Core 1.8.6 (the STM32G030 Booter's) prints the same way, without the banner,
and has no exceptions: an error prints its message and the failing line's
bytecode and the program goes on with the next line; the VM side reports the
first error as the outcome (targets/pikascript/v1.8.6/hil_run.c).

The profile builds two cores (``cores``): a target names its own by ``pin``.

Everything else PikaScript prints differently from CPython (``2**32`` is 0,
floats print as ``%f``, ``print(e)`` shows an address, ...) is compared as
it is: a fail with its diff, a finding about the VM (docs/pikascript.md).
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path
from typing import Sequence

from ...build import BuildResult, BuildSpec, build
from ...device.info import DeviceInfo
from ...errors import BuildError, ConfigError, SourceError
from ...paths import TARGETS_DIR
from ...registry import vm_profiles
from ...targets import Target
from ...vmsource import VMSource, archive_source, checkout_source, pinned_source, sha256_file
from ..base import CompileError, Module, VMProfile, compiler_died
from ..blobcache import BlobCache
from ..firmware import build_port, port_spec
from . import cores, syntaxlevel
from .cores import PIN_1_8_6, PIN_1_14  # noqa: F401 (the pins, as the package exports them)

PORT = TARGETS_DIR / "pikascript"
SOURCE_SUBDIRS = ["src", "package/PikaStdLib", "tools/pikaCompiler"]
CHECKOUT = "a PikaPython checkout (the folder holding src/, package/PikaStdLib/ and tools/pikaCompiler/)"
# A compiler that works longer than this on one program hangs (core 1.8.6's
# does on some: a fault of the VM's compiler, the case's verdict).
COMPILE_SECONDS = 20
BANNER = re.compile(r"\A\r?\n?~~~/ POWERED BY \\~~~\r?\n~  pikapython\.com  ~\r?\n~+\r?\n")


class Pikac:
    """PikaScript's compiler for one configuration: targets/pikascript/pikac.c
    (the core's PIKA_SIDE's) over the core's own, built from the pinned
    source; its blobs cached, and its refusals (a refusal, a crash or a hang
    costs once per program and compiler)."""

    def __init__(self, build: BuildResult, glue: BuildResult, cache: Path):
        self.build = build
        self.glue = glue
        self.executable = build.product
        self.identity = hashlib.sha256(self.executable.read_bytes()).hexdigest()[:16]
        self.blobs = BlobCache(cache, ".pyo")
        self.refusals = BlobCache(cache, ".refused")

    def _run(self, args: list[str], what: str) -> subprocess.CompletedProcess:
        try:
            proc = subprocess.run([str(self.executable), *args], capture_output=True, text=True, errors="replace",
                                  timeout=COMPILE_SECONDS)
        except subprocess.TimeoutExpired:
            raise CompileError(f"pikac did not finish with {what} in {COMPILE_SECONDS} s: it hangs (a fault of the VM's "
                               "compiler, not of the harness)") from None
        if proc.returncode < 0:
            raise compiler_died(self.executable, self.identity, proc.returncode, what, "pikac")
        if proc.returncode == 2:
            # Bad use, or a file it could not read: the harness's doing, not the program's.
            raise BuildError(f"pikac ({self.executable}) could not work on {what}: "
                             f"{(proc.stderr or proc.stdout).strip()[-500:]}")
        return proc

    def compile(self, source: bytes, name: str) -> bytes:
        def make(out: Path) -> None:
            src = self.blobs.scratch(f"{out.stem}.py")
            src.write_bytes(source)
            try:
                proc = self._run(["compile", str(src), str(out)], name)
            finally:
                src.unlink(missing_ok=True)
            if proc.returncode != 0:
                # The compiler's words (its parser prints the line it stopped at).
                raise CompileError((proc.stdout + proc.stderr).replace(str(src), name).strip())

        refused = [self.identity.encode(), b"refused", name.encode(), source]
        known = self.refusals.lookup(refused)
        if known is not None:
            raise CompileError(known.decode("utf-8", "replace"))
        try:
            return self.blobs.get([self.identity.encode(), b"compile", source], make)
        except CompileError as exc:
            self.refusals.put(refused, str(exc).encode())
            raise

    def pack(self, modules: list[tuple[str, bytes]]) -> bytes:
        """A .py.a of ``modules`` (import name, .py.o)."""
        def make(out: Path) -> None:
            files = []
            try:
                for i, (name, pyo) in enumerate(modules):
                    path = self.blobs.scratch(f"{out.stem}-{i}.py.o")
                    path.write_bytes(pyo)
                    files.append(path)
                proc = self._run(["pack", str(out), *(f"{name}={path}" for (name, _), path in zip(modules, files))],
                                 "a library")
            finally:
                for path in files:
                    path.unlink(missing_ok=True)
            if proc.returncode != 0:
                raise CompileError((proc.stdout + proc.stderr).strip())

        return self.blobs.get([self.identity.encode(), b"pack", *(n.encode() + b"=" + b for n, b in modules)], make)


def module_name(path: str) -> str:
    """What ``import`` names a helper module by: ``pkg/mod.py`` is ``pkg.mod``."""
    name = Path(path).with_suffix("").as_posix()
    return name[: -len("/__init__")] if name.endswith("/__init__") else name.replace("/", ".")


@vm_profiles.register("pikascript")
class PikaScriptProfile(VMProfile):
    name = "pikascript"
    title = "PikaScript"
    compiler_name = "pikac"
    blob_suffix = ".py.o"
    pins = {version: core.pin for version, core in cores.CORES.items()}
    default_pin = cores.DEFAULT
    deviations_file = Path(__file__).parent / "deviations.txt"

    # --- source ------------------------------------------------------------
    def source(self, cache: Path, vm_src: str | None = None, pin: str = "") -> VMSource:
        core = cores.named(pin)
        if vm_src and Path(vm_src).is_file():
            digest = sha256_file(Path(vm_src))
            other = next((c for c in cores.CORES.values() if c.pin.sha256 == digest and c is not core), None)
            if other is not None:
                raise SourceError(f"--vm-src {vm_src} is PikaScript {other.version}'s archive; the target pins "
                                  f"{core.version}", f"give {core.pin.archive} (sha256 {core.pin.sha256})")
            return archive_source(Path(vm_src), [core.pin], cache, core.required)
        if vm_src:
            source = checkout_source(vm_src, list(cores.COMMON_FILES), SOURCE_SUBDIRS, CHECKOUT)
            found = cores.of_tree(source.root)
            if found is not core:
                what = f"core {found.version}" if found else "no PikaScript core this harness builds"
                raise SourceError(f"--vm-src {vm_src} holds {what}; the target pins PikaScript {core.version}",
                                  f"give a checkout of the {core.version} revision, or its archive "
                                  f"{core.pin.archive}")
            return source
        return pinned_source(core.pin, cache, core.required)

    def recognises(self, root: Path) -> bool:
        if root.is_file():
            return sha256_file(root) in {p.sha256 for p in self.pins.values()}
        return all((root / name).exists() for name in cores.COMMON_FILES) and cores.of_tree(root) is not None

    @staticmethod
    def _core(source: VMSource) -> cores.Core:
        """The core ``source`` is (checked against the target's pin when it was fetched)."""
        core = cores.of_tree(source.root)
        if core is None:
            raise SourceError(f"{source.root} holds no PikaScript core this harness builds",
                              f"cores: {', '.join(cores.CORES)}")
        return core

    @staticmethod
    def _side(core: cores.Core) -> dict:
        """make's PIKA_SIDE, for a core whose C is not the port's own folder's."""
        return {} if core.side == "pikascript" else {"PIKA_SIDE": core.side}

    # --- compiler ----------------------------------------------------------
    def _glue(self, source: VMSource, cache: Path) -> BuildResult:
        """The standard library's C glue, generated by rust-msc (glue.mk)."""
        core = self._core(source)
        spec = BuildSpec(name="pika-glue", directory=TARGETS_DIR, makefile="pikascript/glue.mk",
                         variables={"PIKA_DIR": str(source.root), **({"MAIN_PY": core.glue_main} if core.glue_main
                                                                      else {})},
                         location_variables=("PIKA_DIR",), product="api/.done",
                         inputs=(PORT / "glue.mk",), config_files=(PORT / "glue.mk",))
        return build(spec, source, cache)

    def compiler_key(self, target: Target | None) -> str:
        return target.config if target is not None and target.config else "host"

    def build_compiler(self, source: VMSource, cache: Path, target: Target | None = None):
        """pikac for the target's configuration; at a minimal syntax level,
        checked against the same configuration at the maximal level
        (syntaxlevel.py)."""
        glue = self._glue(source, cache)
        config = self.compiler_key(target)
        header = self._config(config, target)
        pikac = self._pikac(source, cache, glue, config, header)
        if syntaxlevel.is_minimal(header):
            return syntaxlevel.LevelChecked(pikac, self._pikac(source, cache, glue, config, header, maximal=True))
        return pikac

    def _pikac(self, source: VMSource, cache: Path, glue: BuildResult, config: str, header: Path,
               maximal: bool = False) -> Pikac:
        side = TARGETS_DIR / self._core(source).side
        spec = BuildSpec(name=f"pikac-{config}" + ("-maximal" if maximal else ""), directory=TARGETS_DIR,
                         makefile="pikascript/pikac.mk",
                         variables={"PIKA_DIR": str(source.root), "API": str(glue.folder / "api"), "CONFIG": config,
                                    **self._side(self._core(source)), **({"SYNTAX": "maximal"} if maximal else {})},
                         location_variables=("PIKA_DIR", "API"), product="pikac",
                         inputs=(side / "pikac.c", PORT / "pikac.mk", PORT / "core.mk", PORT / "pika_config.h",
                                 TARGETS_DIR / "common" / "reproducible.mk"),
                         config_files=(header,))
        return Pikac(build(spec, source, cache), glue, cache)

    def compile(self, compiler: Pikac, program: bytes, name: str, modules: Sequence[Module] = ()) -> bytes:
        main = compiler.compile(program, name)
        if not modules:
            return main
        packed = [("main", main)]
        for path, source in modules:
            try:
                packed.append((module_name(path), compiler.compile(source, path)))
            except CompileError as exc:
                raise CompileError(str(exc), module=path) from None
        return compiler.pack(packed)

    # --- firmware ----------------------------------------------------------
    @staticmethod
    def _config(config: str, target: Target | None = None) -> Path:
        path = PORT / "configs" / f"{config}.h"
        if not path.exists():
            where = f"target {target.name}: " if target else ""
            raise ConfigError(f"{where}no PikaScript configuration {path.name}",
                              f"add {path} or name an existing one" + (f" in {target.path}" if target else ""))
        return path

    def firmware_spec(self, target: Target, source: VMSource, glue: BuildResult, with_compiler: bool = False,
                      make_overrides: dict | None = None) -> BuildSpec:
        side = self._side(self._core(source))
        # A core's side.mk sets flags: its content is part of the build's key.
        side_mk = [TARGETS_DIR / side["PIKA_SIDE"] / "side.mk"] if side else []
        return port_spec("pikascript", target, [self._config(target.config, target), PORT / "pika_config.h", *side_mk],
                         {"COMPILER": "1" if with_compiler else "0", **side},
                         {"PIKA_DIR": str(source.root), "API": str(glue.folder / "api")},
                         with_compiler, make_overrides, name_prefix="pika-")

    def build_firmware(self, target: Target, source: VMSource, cache: Path, with_compiler: bool = False,
                       make_overrides: dict | None = None) -> BuildResult:
        spec = self.firmware_spec(target, source, self._glue(source, cache), with_compiler, make_overrides)
        return build_port(spec, source, cache)

    def compiler_twin_overrides(self, target: Target) -> dict:
        """The parser-carrying twin is a measurement, never flashed."""
        return {"FLASH_SIZE": str(4 * 1024 * 1024)} if "FLASH_SIZE" in target.make else {}

    def config_hint(self, target: Target) -> str:
        return f"trim the configuration in targets/pikascript/configs/{target.config}.h"

    # --- blobs against devices -------------------------------------------------
    def check_blob(self, blob: bytes, info: DeviceInfo) -> str | None:
        return cores.blob_problem(blob, info)

    def disassemble(self, blob: bytes, source: VMSource, cache: Path) -> str:
        formats = self._core(source).formats
        names = formats.instruction_names(source.root)
        if not names:
            return "(no disassembly: the source has no instruction table)"
        return formats.disassemble(blob, names)

    def compile_needs(self, message: str, info: DeviceInfo) -> str:
        """A program using what the target's minimal syntax level drops
        (syntaxlevel.py) needs what the target lacks."""
        what = syntaxlevel.needs(message)
        if what and info.get("syntax") == "minimal":
            return f"{what}, which its minimal syntax level (PIKA_SYNTAX_LEVEL_MINIMAL) drops"
        return ""

    # --- judging -----------------------------------------------------------
    def normalise_output(self, text: str) -> str:
        return BANNER.sub("", text).replace("\r\n", "\n")

    def missing_feature(self, error_line: str, info: DeviceInfo, source: str = "") -> str:
        """A module the firmware does not have is the target's lack; every
        other error stays the program's (or the VM's) to answer for."""
        match = re.match(r"^(?:ModuleNotFoundError|ImportError)\b.*?'?([A-Za-z_][\w.]*)'?\s*$", error_line)
        if match and not re.search(r"^\s*(?:from|import)\s+\.", source, re.M):
            names = set(re.findall(r"^\s*(?:import|from)\s+([A-Za-z_][\w.]*)", source, re.M))
            if match.group(1) in names:
                return f"target lacks module {match.group(1)}"
        return ""
