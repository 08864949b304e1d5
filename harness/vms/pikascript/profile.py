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
from ...errors import BuildError, ConfigError
from ...paths import TARGETS_DIR
from ...registry import vm_profiles
from ...targets import Target
from ...vmsource import SourcePin, VMSource, archive_source, checkout_source, pinned_source, sha256_file
from ..base import CompileError, Module, VMProfile, compiler_died
from ..blobcache import BlobCache
from ..firmware import build_port, port_spec
from . import formats

PORT = TARGETS_DIR / "pikascript"
HOW_TO_ARCHIVE = ("from a checkout of pikasTech/PikaPython at its revision: tar --sort=name --mtime=<commit date> "
                  "--owner=0 --group=0 --numeric-owner --format=gnu of src/, package/PikaStdLib/, "
                  "tools/pikaCompiler/, tools/pikaByteCodeGen/, bsp/stm32g030c8/Booter/pika_config.h, "
                  "port/linux/config/ and LICENSE under one top folder, | gzip -n -9 "
                  "(../shared/vm-sources/README.md)")
# PikaPython v1.14.0 (commit 8aca0c160): in no package registry reachable
# here; the archive is an unmodified subset of the repository.
PIN_1_14 = SourcePin(package="pikapython", version="1.14.0",
                     sha256="b40461cbe448d6f33c455cf831fbdd8072e8003272bdd620b0daca5cb761d326", size=190582,
                     subdir="", registry="", archive="pikapython-8aca0c160-core.tar.gz", made_from=HOW_TO_ARCHIVE)
REQUIRED_FILES = ["src/PikaVM.c", "src/PikaCompiler.c", "src/PikaVersion.h", "src/__instruction_table.h",
                  "package/PikaStdLib/PikaStdLib.pyi", "tools/pikaCompiler/Cargo.toml"]
SOURCE_SUBDIRS = ["src", "package/PikaStdLib", "tools/pikaCompiler"]
CHECKOUT = "a PikaPython checkout (the folder holding src/, package/PikaStdLib/ and tools/pikaCompiler/)"
BANNER = re.compile(r"\A\r?\n?~~~/ POWERED BY \\~~~\r?\n~  pikapython\.com  ~\r?\n~+\r?\n")


class Pikac:
    """PikaScript's compiler for one configuration: targets/pikascript/pikac.c
    over the core's own, built from the pinned source; its blobs cached."""

    def __init__(self, build: BuildResult, glue: BuildResult, cache: Path):
        self.build = build
        self.glue = glue
        self.executable = build.product
        self.identity = hashlib.sha256(self.executable.read_bytes()).hexdigest()[:16]
        self.blobs = BlobCache(cache, ".pyo")

    def _run(self, args: list[str], what: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(self.executable), *args], capture_output=True, text=True, errors="replace")
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

        return self.blobs.get([self.identity.encode(), b"compile", source], make)

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
    pins = {"1.14.0": PIN_1_14}
    default_pin = "1.14.0"

    # --- source ------------------------------------------------------------
    def source(self, cache: Path, vm_src: str | None = None, pin: str = "") -> VMSource:
        if vm_src and Path(vm_src).is_file():
            return archive_source(Path(vm_src), list(self.pins.values()), cache, REQUIRED_FILES)
        if vm_src:
            return checkout_source(vm_src, REQUIRED_FILES, SOURCE_SUBDIRS, CHECKOUT)
        return pinned_source(self.pins[pin or self.default_pin], cache, REQUIRED_FILES)

    def recognises(self, root: Path) -> bool:
        if root.is_file():
            return sha256_file(root) in {p.sha256 for p in self.pins.values()}
        return all((root / name).exists() for name in REQUIRED_FILES)

    # --- compiler ----------------------------------------------------------
    def _glue(self, source: VMSource, cache: Path) -> BuildResult:
        """The standard library's C glue, generated by rust-msc (glue.mk)."""
        spec = BuildSpec(name="pika-glue", directory=TARGETS_DIR, makefile="pikascript/glue.mk",
                         variables={"PIKA_DIR": str(source.root)}, location_variables=("PIKA_DIR",),
                         product="api/.done",
                         inputs=(PORT / "glue.mk",), config_files=(PORT / "glue.mk",))
        return build(spec, source, cache)

    def compiler_key(self, target: Target | None) -> str:
        return target.config if target is not None and target.config else "host"

    def build_compiler(self, source: VMSource, cache: Path, target: Target | None = None) -> Pikac:
        glue = self._glue(source, cache)
        config = self.compiler_key(target)
        spec = BuildSpec(name=f"pikac-{config}", directory=TARGETS_DIR, makefile="pikascript/pikac.mk",
                         variables={"PIKA_DIR": str(source.root), "API": str(glue.folder / "api"), "CONFIG": config},
                         location_variables=("PIKA_DIR", "API"), product="pikac",
                         inputs=(PORT / "pikac.c", PORT / "pikac.mk", PORT / "core.mk", PORT / "pika_config.h"),
                         config_files=(self._config(config, target),))
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
        return port_spec("pikascript", target, [self._config(target.config, target), PORT / "pika_config.h"],
                         {"COMPILER": "1" if with_compiler else "0"},
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
        return formats.blob_problem(blob, info)

    def disassemble(self, blob: bytes, source: VMSource, cache: Path) -> str:
        names = formats.instruction_names(source.root)
        if not names:
            return "(no disassembly: the source has no src/__instruction_table.h)"
        return formats.disassemble(blob, names)

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
