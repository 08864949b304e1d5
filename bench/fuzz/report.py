"""Reading what a crashed runner left on stderr: the sanitizer's first report
line, the stack, and a dedup key (the error's kind and the top frame in the
VM's core: MicroPython's py/, PikaScript's src/ and package/).

The runner writes unsymbolized stacks (``#0 0x... (firmware.elf+0x1234)``,
see runner.ASAN_OPTIONS); frames in the runner are symbolized here with
binutils' addr2line, once per offset.
"""

from __future__ import annotations

import re
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

_ASAN = re.compile(r"ERROR: AddressSanitizer: ([A-Za-z-]+)")
_UBSAN = re.compile(r"^(\S+?):(\d+):(?:\d+:)? runtime error: (.*)$", re.M)
_ASSERT = re.compile(r"^.*?: (\S+?):(\d+): (\S+?): Assertion `(.*)' failed\.$", re.M)
_FRAME = re.compile(r"^\s*#(\d+) 0x[0-9a-fA-F]+ +(?:in (\S+) (\S+)|\((\S+?)\+(0x[0-9a-fA-F]+)\)|(.*))$", re.M)

# UndefinedBehaviorSanitizer's messages, by what they are about (most
# specific first): the slug goes into the dedup key.
_UBSAN_KINDS = (
    ("null pointer passed as argument", "nonnull-arg"),
    ("applying zero offset to null pointer", "null-pointer-offset"),
    ("applying non-zero offset", "pointer-overflow"),
    ("pointer index expression", "pointer-overflow"),
    ("null pointer", "null-pointer"),
    ("misaligned address", "misaligned"),
    ("signed integer overflow", "signed-overflow"),
    ("negation of", "negation-overflow"),
    ("shift exponent", "shift-exponent"),
    ("left shift", "left-shift"),
    ("out of bounds", "out-of-bounds"),
    ("division by zero", "division-by-zero"),
    ("outside the range of representable values", "float-cast-overflow"),
    ("load of value", "invalid-value"),
    ("unreachable", "unreachable"),
    ("variable length array", "vla-bound"),
)


@dataclass(frozen=True)
class Frame:
    function: str
    file: str     # relative to the source tree: py/vm.c, targets/common/hil_booter.c
    line: int

    def __str__(self) -> str:
        if not self.file:
            return self.function
        return f"{self.function} {self.file}:{self.line}".strip()


# MicroPython's .mpy loader (py/persistentcode.c); PikaScript's .py.o and
# .py.a loaders (src/PikaVM.c, src/PikaObj.c; core 1.8.6's library loader is
# LibObj_* in src/PikaCompiler.c) and the VM side's checks before them
# (targets/pikascript/blob.c, v1.8.6/blob.c).
LOADER_FUNCTIONS = frozenset({"mp_raw_code_load", "load_raw_code", "load_obj", "load_qstr", "read_uint",
                              "read_byte", "read_bytes", "mp_raw_code_load_mem",
                              "_do_byteCodeFrame_loadByteCode", "byteCodeFrame_loadByteCode", "obj_linkLibrary",
                              "_loadModuleDataWithIndex", "_loadModuleDataWithName", "blob_check", "check_code",
                              "check_library", "LibObj_loadLibrary", "LibObj_dynamicLink"})
# The VM running a program's bytecode (py/vm.c, py/objfun.c; src/PikaVM.c:
# core 1.8.6's loop is inlined into pikaVM_runByteCodeFrame).
RUN_FUNCTIONS = frozenset({"mp_execute_bytecode", "fun_bc_call", "mp_call_function_0",
                           "pikaVM_runInstructUnit", "_pikaVM_runByteCodeFrameWithState",
                           "__pikaVM_runByteCodeFrameWithState", "_pikaVM_runByteCodeFrame",
                           "pikaVM_runByteCodeFrame"})
# Where a VM's core sits, as short_path gives it.
CORE_PREFIXES = ("py/", "src/", "package/")


@dataclass
class Crash:
    key: str                  # the dedup key: kind and top frame in py/
    kind: str                 # asan-SEGV, ubsan-null-pointer, assert, fault-SIGILL, died-1, reset
    first_line: str           # the sanitizer's first report line, paths made relative
    frames: list = field(default_factory=list)

    @property
    def top(self) -> Frame | None:
        """The top frame in the VM's core (py/, src/), else the top one in the runner."""
        for frame in self.frames:
            if frame.file.startswith(CORE_PREFIXES):
                return frame
        return self.frames[0] if self.frames else None

    @property
    def phase(self) -> str:
        """load: the crash came while the loader read the blob; run: while
        the VM ran the loaded program (such crashes share one cause: the VM
        runs bytecode it never checked); unknown: the stack does not say
        (a wild jump, a smashed stack). Needs the whole stack
        (classify(..., full=True))."""
        names = {frame.function for frame in self.frames}
        if names & LOADER_FUNCTIONS:
            return "load"
        return "run" if names & RUN_FUNCTIONS else "unknown"

    @property
    def summary(self) -> str:
        top = self.top
        return f"{self.kind} in {top}" if top else self.kind


def short_path(path: str) -> str:
    """A source path as it sits in its tree: py/vm.c, src/PikaVM.c, targets/common/hil_booter.c."""
    for anchor in ("/py/", "/shared/", "/extmod/"):
        if anchor in path:
            return anchor[1:] + path.rsplit(anchor, 1)[1]
    pika = re.search(r"/(?:pika[^/]*)/((?:src|package)/.*)$", path, re.I)
    if pika:
        return pika.group(1)
    if "/targets/" in path:
        return "targets/" + path.rsplit("/targets/", 1)[1]
    if path.startswith(("common/", "micropython/", "boards/")):
        return "targets/" + path
    return path


class Symbolizer:
    """addr2line over the runner's binary, kept running (loading the debug
    information costs it ~10 ms a start), with a cache by offset. Without
    -i, addr2line answers every address with exactly two lines, so answers
    cannot be mistaken for one another; it flushes after each."""

    def __init__(self, elf: Path):
        self.elf = Path(elf)
        self.cache: dict[int, Frame] = {}
        self.proc: subprocess.Popen | None = None

    def frame(self, offset: int) -> Frame:
        if offset not in self.cache:
            self.cache[offset] = self._lookup(offset)
        return self.cache[offset]

    def _lookup(self, offset: int) -> Frame:
        try:
            if self.proc is None or self.proc.poll() is not None:
                self.proc = subprocess.Popen(["addr2line", "-f", "-C", "-e", str(self.elf)], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
            self.proc.stdin.write(f"{offset:#x}\n")
            self.proc.stdin.flush()
            function = self.proc.stdout.readline().strip() or "??"
            location = self.proc.stdout.readline().strip() or "??:0"
        except OSError:
            self.close()
            return Frame(f"{self.elf.name}+{offset:#x}", "", 0)
        file, _, line = location.partition(" ")[0].rpartition(":")
        return Frame(function, short_path(file) if file and file != "??" else "", int(line) if line.isdigit() else 0)

    def close(self) -> None:
        if self.proc is not None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
            self.proc = None


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.]+", "-", text).strip("-")[:80]


def _stack(text: str, elf: Path, symbolizer: Symbolizer | None, start: int = 0,
           full: bool = False) -> list[Frame]:
    """The first stack in ``text`` after ``start``: runner frames symbolized,
    frames in other modules (libasan, libc) kept by module and offset. Unless
    ``full``, it stops at the first frame in py/: the dedup key needs no more,
    and each new frame costs a lookup."""
    frames: list[Frame] = []
    expected = 0
    for m in _FRAME.finditer(text, start):
        number = int(m.group(1))
        if number != expected:      # a second stack (allocation site, ...) begins
            break
        expected += 1
        if m.group(2):              # already symbolized: "in func file:line"
            file, _, line = m.group(3).rpartition(":")
            if not file:
                file, line = m.group(3), ""
            frame = Frame(m.group(2), short_path(file), int(line) if line.isdigit() else 0)
        elif m.group(4) and Path(m.group(4)).name == elf.name and symbolizer is not None:
            # A return address points after its call: look up the call itself.
            frame = symbolizer.frame(int(m.group(5), 16) - (1 if number else 0))
        elif m.group(4):
            frame = Frame(f"{Path(m.group(4)).name}+{m.group(5)}", "", 0)
        else:                       # "(<unknown module>)": a wild jump
            frame = Frame(m.group(6).strip() or "??", "", 0)
        frames.append(frame)
        if not full and frame.file.startswith(CORE_PREFIXES):
            break
    return frames


def classify(how: str, returncode: int | None, stderr: str, elf: Path,
             symbolizer: Symbolizer | None = None, full: bool = False) -> Crash:
    """Turn a crashed runner's stderr into a ``Crash`` with its dedup key.

    ``how``: died (the runner exited), fault (it reported a fault status: the
    board's signal handler, e.g. a failed assert's SIGABRT), reset (it
    restarted itself: MicroPython's nlr_jump_fail), report (a sanitizer
    printed but the run went on). ``full``: symbolize the whole stack, not
    just down to the first frame in py/."""
    elf = Path(elf)
    kind, first, start = "", "", 0
    m = _ASAN.search(stderr)
    u = _UBSAN.search(stderr)
    a = _ASSERT.search(stderr)
    # Whichever report came first is the finding; later lines are fallout.
    hits = sorted((x.start(), name, x) for name, x in (("asan", m), ("ubsan", u), ("assert", a)) if x)
    if hits:
        _, name, hit = hits[0]
        line_end = stderr.find("\n", hit.start())
        line_start = stderr.rfind("\n", 0, hit.start()) + 1
        raw = stderr[line_start:line_end if line_end >= 0 else len(stderr)]
        start = line_start
        if name == "asan":
            kind = f"asan-{hit.group(1)}"
            first = re.sub(r"^==\d+==", "", raw).strip()
        elif name == "ubsan":
            message = hit.group(3)
            slug = next((s for text, s in _UBSAN_KINDS if text in message), _slug(" ".join(message.split()[:3])))
            kind = f"ubsan-{slug}"
            first = f"{short_path(hit.group(1))}:{hit.group(2)}: runtime error: {message}"
        else:
            kind = "assert"
            first = f"{short_path(hit.group(1))}:{hit.group(2)}: {hit.group(3)}: Assertion `{hit.group(4)}' failed."
    frames = _stack(stderr, elf, symbolizer, start, full) if hits else []
    if kind.startswith("ubsan-") and not any(f.file.startswith(CORE_PREFIXES) for f in frames):
        # UBSan's own stack printing failed (a smashed stack): its message
        # still names the place.
        _, _, hit = hits[0]
        frames = [Frame("", short_path(hit.group(1)), int(hit.group(2)))] + frames
    if not kind and "AddressSanitizer: nested bug" in stderr:
        kind = "asan-nested-bug"
        first = "AddressSanitizer: nested bug in the same thread (its handler crashed too: a smashed stack)"
    if not kind:
        if how == "reset":
            kind = "reset"
            first = "the runner restarted itself during the run (MicroPython's nlr_jump_fail: an uncaught NLR jump)"
        elif how == "fault" and returncode is None:
            kind = "fault-vm-stopped"
            first = "the runner reported a fault status and went on: the VM stopped itself (a failed assertion or a panic)"
        elif how == "fault":
            kind = f"fault-{_signal_name(returncode)}"
            first = f"the runner reported a fault and {_exit_text(returncode)}"
        else:
            kind = f"died-{_signal_name(returncode)}"
            first = f"the runner {_exit_text(returncode)} without a sanitizer report"
    if kind == "assert" and hits:
        # An assert names its function itself, for when no stack follows
        # (a runner started without ASan's handle_abort).
        _, _, hit = hits[0]
        frames = frames or [Frame(hit.group(3), short_path(hit.group(1)), int(hit.group(2)))]
    crash = Crash("", kind, first, frames)
    top = crash.top
    if top and top.function:
        crash.key = _slug(f"{kind}-in-{top.function}")
    elif top and top.file:
        crash.key = _slug(f"{kind}-at-{Path(top.file).name}")
    else:
        crash.key = _slug(kind)
    return crash


def _signal_name(code: int | None) -> str:
    if code is None:
        return "unknown"
    number = -code if code < 0 else code - 128 if code > 128 else 0
    if number:
        try:
            return signal.Signals(number).name
        except ValueError:
            return f"signal{number}"
    return f"exit{code}"


def _exit_text(code: int | None) -> str:
    if code is None:
        return "did not exit"
    if code < 0:
        return f"was killed by {_signal_name(code)}"
    return f"exited with code {code}"
