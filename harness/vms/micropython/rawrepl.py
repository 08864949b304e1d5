"""The raw-REPL transport: blobs through stock MicroPython firmware's raw REPL.

Stock firmware has no loader protocol, but it has a raw REPL, a compiler and
a VFS layer that takes filesystems written in Python. For each case the
transport soft-resets the VM, sends a small in-RAM filesystem holding the
blob (its bytes as literals, a chunk per command), mounts it, and imports
the blob as a module between two ``time.ticks_us()`` readings. The blob's
.mpy header is checked against ``sys.implementation._mpy`` before anything
is sent (harness/vms/micropython/mpy.py, the booters' check too).

The raw REPL, as MicroPython documents it:

- Ctrl-A enters it: ``raw REPL; CTRL-B to exit\\r\\n>``. Ctrl-B leaves it,
  Ctrl-C clears the line, Ctrl-D on an empty line soft-resets the VM
  (``OK\\r\\nMPY: soft reboot\\r\\n`` and the banner again).
- Code, then Ctrl-D: the device answers ``OK``, runs it, and sends its
  output, ``\\x04``, the text of an uncaught exception, ``\\x04``, ``>``.
- Raw-paste mode adds flow control: ``\\x05A\\x01`` asks for it; ``R\\x01``
  and a 16-bit little-endian window increment accept (the host may then send
  that many bytes; each ``\\x01`` from the device allows as many again, and a
  ``\\x04`` from it means stop); ``R\\x00`` refuses, and firmware that does not
  know the request treats it as raw input and answers with the banner. The
  host ends the code with ``\\x04``; the device acknowledges with ``\\x04``
  and the output follows as above, without ``OK``.

A bundle's helper modules (docs/protocol.md, "Bundles") are staged into the
same filesystem under their paths (``helper.mpy``, ``pkg/mod.mpy``), each
opened as an ``io.BytesIO``, so the case's ``import helper`` finds them.

The case's module runs as ``import hilcase`` from a function that reads
``ticks_us()`` before the import, when the importer closes the blob's file
(loading is done, the module is about to run) and after the module, and
prints the two spans and ``gc.mem_alloc()`` on a marker line after the
case's output. The frames of that function and of the raw REPL's own code
(``<stdin>``) are dropped from tracebacks, which then read as the booter's.
Stock consoles send "\\n" as "\\r\\n"; the transport notices and undoes it.
Like every raw-REPL tool, it cannot tell a program's own ``\\x04`` from the
end of its output.
"""

from __future__ import annotations

import hashlib
import os
import re
import time

from ...device.info import DeviceInfo, RunRecord
from ...errors import ConfigError, DeviceRejected, DeviceTimeout, ProtocolError
from ...registry import transports
from .bundle import BUNDLE_MODULES_MAX, unbundle
from .mpy import ARCH_NAMES, blob_problem

BANNER = b"raw REPL; CTRL-B to exit\r\n"
PROMPT = b">"
SOFT_REBOOT = b"soft reboot\r\n"
CTRL_A, CTRL_C, CTRL_D = b"\x01", b"\x03", b"\x04"
PASTE_REQUEST = b"\x05A\x01"

MODULE = "hilcase"          # the name the blob is imported by
MOUNT_POINT = "/__hil"
CLOCK_HZ = 1_000_000        # ticks_us

# A board that restarted announces itself with the friendly REPL's banner.
RESTART = re.compile(rb"MicroPython v\d[^\r\n]*\r\n(?:[^\r\n]*\r\n)?>>> ")
FAULT_PC = re.compile(rb"PC\s*[:=]?\s*(?:0x)?([0-9a-fA-F]{8})")
STDIN_FRAME = re.compile(r'^  File "<stdin>", line \d+, in .*\n', re.M)
TRACEBACK_HEAD = "Traceback (most recent call last):\n"


class _Timeout(Exception):
    """Nothing expected came in time; ``pending`` is what came instead."""

    def __init__(self, what: str, pending: bytes):
        super().__init__(what)
        self.what = what
        self.pending = pending


class _RunTimeout(_Timeout):
    """The code was sent and ran, but did not end in time; ``pending`` is its output so far."""


class _Restarted(Exception):
    """The board announced itself anew while code ran: it crashed and reset."""

    def __init__(self, pending: bytes):
        super().__init__("the board restarted")
        self.pending = pending


# --- What the device is asked -------------------------------------------------

# Printed as key=value lines. Every probe is guarded: stock builds differ.
PROBE = r"""
import sys
def _p(k, v):
    print(k + '=' + str(v))
_i = sys.implementation
_p('vm', _i.name)
_p('version', '.'.join([str(x) for x in _i.version[:3]]))
_p('mpy', getattr(_i, '_mpy', 0))
_p('machine', getattr(_i, '_machine', ''))
_p('platform', sys.platform)
try:
    import gc
    gc.collect()
    _p('heap', gc.mem_free() + gc.mem_alloc())
    _p('free', gc.mem_free())
except ImportError:
    pass
_b = 1
try:
    while (1 << _b) is (1 << _b):
        _b += 1
except OverflowError:
    pass
_p('smallint', _b + 1)
_f = ['core']
try:
    float('1.5')
    _f.append('float')
    _f.append('double' if 1.0 + 1e-10 != 1.0 else 'float32')
except Exception:
    pass
try:
    if 2 ** 100 > 2 ** 99:
        _f.append('bigint')
except Exception:
    pass
for _m in ('sys', 'gc', 'micropython', 'math', 'cmath', 'struct', 'array', 'collections', 'io',
           'time', 'os', 're', 'json', 'random', 'heapq', 'binascii', 'hashlib', 'select', 'errno',
           'uctypes', 'machine', 'vfs'):
    try:
        __import__(_m)
        _f.append('module:' + _m)
    except ImportError:
        pass
def _t(name, test):
    try:
        if test():
            _f.append(name)
    except Exception:
        pass
class _R:
    def __radd__(s, o):
        return 7
class _S:
    def __floordiv__(s, o):
        return 7
class _I:
    def __iadd__(s, o):
        return 7
def _inplace():
    x = _I()
    x += 1
    return x == 7
def _slice_assign():
    b = bytearray(2)
    b[0:1] = b'x'
    return b == bytearray(b'x\x00')
class _D:
    def __get__(s, o, t):
        return 7
class _C:
    d = _D()
class _A:
    def __setattr__(s, k, v):
        _A.seen = v
def _setattr():
    a = _A()
    a.x = 7
    return _A.seen == 7
def _fn():
    pass
class _G:
    def __getitem__(s, k):
        return k
_t('unicode', lambda: len('\u00e9') == 1)
_t('frozenset', lambda: len(frozenset((1, 1))) == 1)
_t('memoryview', lambda: memoryview(b'ab')[1] == 98)
_t('bytes-hex', lambda: b'\x01'.hex() == '01' and bytes.fromhex('01') == b'\x01')
_t('str-partition', lambda: 'a=b'.partition('=') == ('a', '=', 'b'))
_t('str-center', lambda: 'a'.center(3) == ' a ')
_t('str-splitlines', lambda: 'a\nb'.splitlines() == ['a', 'b'])
_t('reverse-ops', lambda: 1 + _R() == 7)
_t('special-methods', lambda: _S() // 1 == 7)
_t('inplace-ops', _inplace)
_t('slice-assign', _slice_assign)
_t('descriptors', lambda: _C().d == 7)
_t('slice-attrs', lambda: _G()[1:2:3].step == 3)
_t('slice-indices', lambda: _G()[1:5].indices(3) == (1, 3, 1))
_t('round-int', lambda: round(123, -1) == 120)
_t('pow3', lambda: pow(2, 3, 5) == 3)
_t('ordereddict', lambda: __import__('collections').OrderedDict is not None)
_t('deque', lambda: __import__('collections').deque is not None)
_t('next-default', lambda: next(iter(()), 7) == 7)
_t('setattr-delattr', _setattr)
_t('function-attrs', lambda: _fn.__name__ == '_fn')
_t('notimplemented', lambda: NotImplemented is not None)
_t('range-binop', lambda: range(3) == range(3))
_t('sys-maxsize', lambda: sys.maxsize > 0)
_p('features', ','.join(_f))
"""

# Sent first for every case, after the soft reset: an in-RAM filesystem
# holding the blob, in the VFS protocol stock firmware speaks to Python
# filesystems, and the function that imports the blob between
# ticks_us() readings. The filesystem is also its one file (open() returns
# it): an io.IOBase, so the importer reads it as a stream. The importer
# closes it once the module is loaded, just before the module runs: that
# frees the blob, as the booter frees it, and marks where loading ends and
# the run begins. _run prints the run's and the load's microseconds and the
# heap in use on a marker line after the case's output, whatever the case
# did; nothing it does after the case allocates. Kept short: the device
# compiles it for every case.
STAGE = """
import sys, io
try:
    from vfs import mount
except ImportError:
    from os import mount
from time import ticks_us as _T, ticks_diff as _D
try:
    from gc import collect as _C, mem_alloc as _A
except ImportError:
    _C = _A = lambda: 0
class _FS(io.IOBase):
    def __init__(s, n):
        s.data, s.pos, s.loaded, s.extra = bytearray(n), 0, 0, {}
    def mount(s, *args):
        pass
    umount = chdir = mount
    def getcwd(s):
        return ''
    def stat(s, path):
        p = path[1:]
        if path == '/' or [k for k in s.extra if k.startswith(p + '/')]:
            return (0x4000,) + (0,) * 9
        if p in s.extra:
            return (0x8000,) + (0,) * 5 + (len(s.extra[p]),) + (0,) * 3
        if path != '/{module}.mpy' or s.data is None:
            raise OSError(2)
        return (0x8000,) + (0,) * 5 + (len(s.data),) + (0,) * 3
    def ilistdir(s, path):
        return iter([] if s.data is None else [('{module}.mpy', 0x8000, 0, len(s.data))])
    def open(s, path, mode):
        if path[1:] in s.extra:
            return io.BytesIO(s.extra[path[1:]])
        s.stat(path)
        s.pos = 0
        return s
    def readinto(s, buf):
        n = min(len(buf), len(s.data) - s.pos)
        buf[:n] = s.data[s.pos:s.pos + n]
        s.pos += n
        return n
    def read(s, n=-1):
        buf = bytearray(len(s.data) - s.pos if n < 0 else n)
        return bytes(buf[:s.readinto(buf)])
    def ioctl(s, req, arg):
        if req == 4:
            s.close()
        return 0
    def close(s):
        s.data, s.loaded = None, _T()
def _run():
    _C()
    t = _T()
    try:
        import {module}
    finally:
        e = _T()
        r = _fs.loaded or e
        print('\\x1f{marker}', _D(e, r), _D(r, t), _A(), end='\\x1e')
_fs = _FS({size})
mount(_fs, '{mount}')
sys.path.insert(0, '{mount}')
"""
RUN = "_run()\n"

_LITERAL = [chr(b) if 0x20 <= b < 0x7F and b not in (0x27, 0x5C) else f"\\x{b:02x}" for b in range(256)]


def bytes_literal(data: bytes) -> str:
    """``data`` as a Python bytes literal of printable ASCII."""
    return "b'" + "".join(_LITERAL[b] for b in data) + "'"


def compact(code: str) -> str:
    """``code`` with one space of indentation a level instead of four: the
    device takes every byte through a UART."""
    return re.sub(r"^(?:    )+", lambda m: " " * (len(m.group(0)) // 4), code, flags=re.M)


def uncook(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n")


def clean_traceback(text: str) -> tuple[str, bool]:
    """Drop the frames of the transport's own code (``<stdin>``) from a
    traceback, so it reads as the blob's alone; and say whether any of the
    blob's frames are left (none: the exception came from the loader)."""
    cleaned = STDIN_FRAME.sub("", text)
    body = cleaned[len(TRACEBACK_HEAD):] if cleaned.startswith(TRACEBACK_HEAD) else None
    if body is not None and not body.startswith("  File "):
        return body, False
    return cleaned, body is not None


class RawRepl:
    """MicroPython's raw REPL over a link: enter it, soft-reset, execute code."""

    def __init__(self, link, raw_paste: bool = True, plain_chunk: int = 256, plain_delay: float = 0.01):
        self.link = link
        self.buffer = bytearray()
        # None: not asked yet; then whether the firmware takes raw-paste.
        self.paste: bool | None = None if raw_paste else False
        self.plain_chunk = plain_chunk
        self.plain_delay = plain_delay

    # --- reading -----------------------------------------------------------
    def _fill(self, deadline: float) -> None:
        left = deadline - time.monotonic()
        if left > 0:
            self.buffer += self.link.read(4096, left)

    def read_until(self, marker: bytes, deadline: float, what: str, watch=None) -> bytes:
        """The bytes before ``marker``, consuming both; ``watch`` sees the
        buffer as it grows and may raise."""
        start = 0
        while True:
            at = self.buffer.find(marker, start)
            if at >= 0:
                data = bytes(self.buffer[:at])
                del self.buffer[:at + len(marker)]
                return data
            if watch is not None:
                watch(self.buffer)
            start = max(0, len(self.buffer) - len(marker) + 1)
            if time.monotonic() >= deadline:
                raise _Timeout(what, bytes(self.buffer))
            self._fill(deadline)

    def read_exactly(self, size: int, deadline: float, what: str) -> bytes:
        while len(self.buffer) < size:
            if time.monotonic() >= deadline:
                raise _Timeout(what, bytes(self.buffer))
            self._fill(deadline)
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def _poll(self) -> None:
        """Take in whatever the device has sent, without waiting."""
        self.buffer += self.link.read(4096, 0)

    # --- modes -------------------------------------------------------------
    def enter(self, deadline: float, retry: float = 1.0) -> None:
        """Stop whatever runs (Ctrl-C twice) and enter the raw REPL (Ctrl-A),
        asking again every ``retry`` seconds: a board still booting may miss
        the first request."""
        while True:
            self.link.write(b"\r" + CTRL_C)
            time.sleep(0.05)
            self.link.write(CTRL_C)
            time.sleep(0.05)
            self.link.write(b"\r" + CTRL_A)
            try:
                self.read_until(BANNER + PROMPT, min(deadline, time.monotonic() + retry), "raw REPL banner")
                return
            except _Timeout:
                if time.monotonic() >= deadline:
                    raise

    def soft_reset(self, deadline: float) -> None:
        """Ctrl-D at the raw prompt: the VM reboots, and the raw REPL is back."""
        self.link.write(CTRL_D)
        self.read_until(SOFT_REBOOT, deadline, "soft reboot")
        self.read_until(BANNER + PROMPT, deadline, "raw REPL banner after the soft reboot")

    # --- executing ---------------------------------------------------------
    def execute(self, code: bytes, send_deadline: float, run_timeout: float, watch=None) -> tuple[bytes, bytes]:
        """Run ``code``; its output and the text of its uncaught exception
        (both as the device sent them). ``run_timeout`` starts once the
        device has all the code."""
        if self.paste is not False:
            accepted = self._send_paste(code, send_deadline)
            if self.paste is None:
                self.paste = accepted
            if not accepted:
                self._send_plain(code, send_deadline)
        else:
            self._send_plain(code, send_deadline)
        deadline = time.monotonic() + run_timeout
        try:
            output = self.read_until(CTRL_D, deadline, "end of the output", watch)
        except _Timeout as exc:
            raise _RunTimeout(exc.what, exc.pending) from None
        try:
            error = self.read_until(CTRL_D, deadline, "end of the error output")
            self.read_until(PROMPT, deadline, "raw REPL prompt")
        except _Timeout as exc:
            raise _RunTimeout(exc.what, output) from None
        return output, error

    def _send_plain(self, code: bytes, deadline: float) -> None:
        for at in range(0, len(code), self.plain_chunk):
            self.link.write(code[at:at + self.plain_chunk])
            if self.plain_delay:
                time.sleep(self.plain_delay)
        self.link.write(CTRL_D)
        answer = self.read_exactly(2, deadline, "OK from the raw REPL")
        if answer != b"OK":
            raise ProtocolError(f"the raw REPL answered {answer + bytes(self.buffer[:60])!r} instead of OK")

    def _send_paste(self, code: bytes, deadline: float) -> bool:
        """Send ``code`` in raw-paste mode; False (and the device back at the
        raw prompt) if the firmware refuses it or does not know it."""
        self.link.write(PASTE_REQUEST)
        answer = self.read_exactly(2, deadline, "answer to the raw-paste request")
        if answer == b"R\x00":
            self.read_until(PROMPT, deadline, "raw prompt after raw-paste was refused")
            return False
        if answer != b"R\x01":
            # Taken as raw input: \x05A went into the line, and the \x01
            # reset the raw REPL, which announces itself again.
            self.buffer[:0] = answer
            self.read_until(BANNER + PROMPT, deadline, "raw REPL banner after an unknown raw-paste request")
            return False
        increment = int.from_bytes(self.read_exactly(2, deadline, "raw-paste window size"), "little")
        window, at, ended = increment, 0, False
        while at < len(code) and not ended:
            if window:
                self._poll()
            else:
                self._fill(deadline)
            while self.buffer and not ended:
                flow = self.buffer[0]
                del self.buffer[:1]
                if flow == 0x01:
                    window += increment
                elif flow == 0x04:
                    ended = True  # the device stopped taking code (a syntax error)
                else:
                    raise ProtocolError(f"unexpected byte {flow:#04x} from the device during raw-paste")
            if not window and not ended:
                if time.monotonic() >= deadline:
                    raise _Timeout("raw-paste flow control byte", bytes(self.buffer))
                continue
            if not ended:
                piece = code[at:at + window]
                self.link.write(piece)
                at += len(piece)
                window -= len(piece)
        self.link.write(CTRL_D)
        if not ended:
            # The device acknowledges the end; flow bytes may come first.
            while True:
                flow = self.read_exactly(1, deadline, "end of raw-paste acknowledgement")
                if flow == CTRL_D:
                    break
                if flow != CTRL_A:
                    raise ProtocolError(f"unexpected byte {flow!r} from the device ending raw-paste")
        return True


@transports.register("raw-repl")
class RawReplTransport:
    """Runs blobs on stock MicroPython firmware through its raw REPL.

    Options: ``raw_paste`` (default True; False forces plain raw mode),
    ``chunk`` (blob bytes per staging command, default 2048),
    ``command_timeout`` (seconds for a soft reset or a staging command,
    default 10), ``plain_chunk`` and ``plain_delay`` (plain raw mode writes
    this many bytes, then waits this long: it has no flow control).
    """

    OPTIONS = {"raw_paste": True, "chunk": 2048, "command_timeout": 10.0, "plain_chunk": 256,
               "plain_delay": 0.01}

    def __init__(self, link, options: dict | None = None):
        options = dict(options or {})
        if options.pop("signing_key", None) is not None:
            raise ConfigError("the raw-REPL transport cannot run signed blobs: stock firmware checks no signature",
                              "run raw-REPL targets without --signing-key")
        unknown = set(options) - set(self.OPTIONS)
        if unknown:
            raise ConfigError(f"unknown raw-repl transport options: {', '.join(sorted(unknown))}",
                              f"known: {', '.join(self.OPTIONS)}")
        self.options = {**self.OPTIONS, **options}
        self.link = link
        self.repl = RawRepl(link, bool(self.options["raw_paste"]), int(self.options["plain_chunk"]),
                            float(self.options["plain_delay"]))
        self.info: DeviceInfo | None = None
        self.cooked = True
        self.mpy = 0
        self.marker = ""

    def _deadline(self) -> float:
        return time.monotonic() + float(self.options["command_timeout"])

    def connect(self, timeout: float) -> DeviceInfo:
        """Interrupt whatever runs, enter the raw REPL, soft-reset, and ask
        the firmware what it is."""
        deadline = time.monotonic() + timeout
        try:
            self.repl.enter(deadline)
            self.repl.soft_reset(deadline)
            output, error = self.repl.execute(compact(PROBE).encode(), deadline,
                                              max(0.0, deadline - time.monotonic()))
        except _Timeout as exc:
            raise DeviceTimeout(f"no {exc.what} within {timeout:g} s (last bytes: {exc.pending[-80:]!r})") from None
        if error:
            raise ProtocolError(f"the firmware failed the probe: {uncook(error).decode('utf-8', 'replace')}")
        self.cooked = b"\r\n" in output
        fields = dict(line.partition("=")[::2] for line in uncook(output).decode("utf-8", "replace").splitlines()
                      if "=" in line)
        self.info = DeviceInfo(self._describe(fields))
        self.marker = "hil" + os.urandom(4).hex()
        return self.info

    def _describe(self, probed: dict) -> dict:
        """INFO fields like a booter's, from what the probe found."""
        self.mpy = int(probed.get("mpy") or 0)
        machine = probed.get("machine", "")
        board, _, mcu = machine.partition(" with ")
        mcu, _, build = mcu.partition(" build ")
        arch = self.mpy >> 10
        free = int(probed.get("free") or 0)
        identity = f"{probed.get('version')} {self.mpy} {machine} {probed.get('platform')}"
        return {
            "vm": probed.get("vm", ""),
            "version": probed.get("version", ""),
            "mpy": f"{self.mpy & 0xFF}.{(self.mpy >> 8) & 3}",
            "sys_mpy": f"{self.mpy:#x}",
            "arch": ARCH_NAMES[arch] if arch < len(ARCH_NAMES) else str(arch),
            "smallint": probed.get("smallint", ""),
            "config": mcu.replace(" ", "_"),
            "heap": probed.get("heap", "0"),
            "compiler": "1",
            "features": probed.get("features", "core"),
            "proto": "raw-repl",
            "paste": {None: "untried", True: "1", False: "0"}[self.repl.paste],
            "build": build or hashlib.sha256(identity.encode()).hexdigest()[:16],
            "board": board.replace(" ", "_"),
            "platform": probed.get("platform", ""),
            "clock": str(CLOCK_HZ),
            # The staged blob, its source chunks and the loaded code share the heap.
            "blob_max": str(max(0, free // 3)),
            # Helper modules go into the staged filesystem: no firmware limit.
            "modules": str(BUNDLE_MODULES_MAX),
        }

    def run(self, blob: bytes, timeout: float) -> RunRecord:
        if self.info is None:
            raise ProtocolError("the raw-REPL transport ran a case before connect()")
        # Stock firmware's loader may take a foreign blob badly: it is not sent.
        problem = blob_problem(blob, self.info)
        if problem:
            raise DeviceRejected("incompatible-mpy", problem)
        if len(blob) > self.info.number("blob_max"):
            raise DeviceRejected("oversize", f"a {len(blob)}-byte blob does not fit the free heap "
                                             f"(blob_max {self.info.number('blob_max')})", 4)
        program, modules = unbundle(blob)
        started = time.monotonic()
        try:
            self.repl.soft_reset(self._deadline())
            self._stage(program)
            for name, code in modules:
                self._stage_module(name, code)
            output, error = self.repl.execute(RUN.encode(), self._deadline(), timeout,
                                              watch=self._watch_restart)
        except _RunTimeout as exc:
            raise DeviceTimeout(f"the case did not finish within {timeout:g} s (no {exc.what})",
                                self._program_output(exc.pending)[0]) from None
        except _Timeout as exc:
            raise DeviceTimeout(f"no {exc.what} within {self.options['command_timeout']:g} s while preparing "
                                f"the case (last bytes: {exc.pending[-80:]!r})") from None
        except _Restarted as exc:
            return self._fault(exc.pending, started)
        out, (run_us, load_us, alloc) = self._program_output(output)
        trace = uncook(error).decode("utf-8", "replace") if self.cooked else error.decode("utf-8", "replace")
        status = "ok"
        if trace:
            trace, own_frames = clean_traceback(trace)
            last = trace.rstrip("\n").rsplit("\n", 1)[-1]
            if last.startswith("MemoryError"):
                status = "memory-error"
            elif own_frames:
                status = "exception"
            else:
                status = "load-error"  # nothing of the blob ran: the loader refused it
        return RunRecord(status, out, trace, run_cycles=run_us, load_cycles=load_us, heap_used=alloc,
                         clock_hz=CLOCK_HZ, wall_seconds=time.monotonic() - started,
                         extra={"transfer": "raw-paste" if self.repl.paste else "raw"})

    # --- pieces of a run ---------------------------------------------------
    def _stage(self, blob: bytes) -> None:
        """Soft-reset VM: mount a filesystem holding the blob, a chunk per command."""
        chunk = max(64, int(self.options["chunk"]))
        head = compact(STAGE).replace("{module}", MODULE).replace("{size}", str(len(blob))) \
            .replace("{mount}", MOUNT_POINT).replace("{marker}", self.marker)
        for at in range(0, max(len(blob), 1), chunk):
            piece = blob[at:at + chunk]
            code = f"_fs.data[{at}:{at + len(piece)}] = {bytes_literal(piece)}\n"
            if at == 0:
                code = head + code
            _, error = self.repl.execute(code.encode(), self._deadline(), float(self.options["command_timeout"]))
            if error:
                text = uncook(error).decode("utf-8", "replace").strip()
                if "MemoryError" in text:
                    raise DeviceRejected("no-memory", f"no heap to stage a {len(blob)}-byte blob: {text.splitlines()[-1]}", 5)
                raise ProtocolError(f"staging the blob failed on the device:\n{text}")

    def _stage_module(self, name: str, code: bytes) -> None:
        """Put a helper module into the staged filesystem, a chunk per command."""
        chunk = max(64, int(self.options["chunk"]))
        key = repr(name)
        for at in range(0, max(len(code), 1), chunk):
            piece = code[at:at + chunk]
            command = f"_fs.extra[{key}][{at}:{at + len(piece)}] = {bytes_literal(piece)}\n"
            if at == 0:
                command = f"_fs.extra[{key}] = bytearray({len(code)})\n" + command
            self._command(command, f"the helper module {name}", len(code))

    def _command(self, code: str, what: str, size: int) -> None:
        _, error = self.repl.execute(code.encode(), self._deadline(), float(self.options["command_timeout"]))
        if error:
            text = uncook(error).decode("utf-8", "replace").strip()
            if "MemoryError" in text:
                raise DeviceRejected("no-memory", f"no heap to stage {what} ({size} bytes): {text.splitlines()[-1]}", 5)
            raise ProtocolError(f"staging {what} failed on the device:\n{text}")

    def _program_output(self, raw: bytes) -> tuple[bytes, tuple[int, int, int]]:
        """The program's output, and from the marker line after it the run's
        and the load's microseconds and the heap in use (zeros when the
        marker is missing)."""
        figures = (0, 0, 0)
        at = raw.rfind(b"\x1f" + self.marker.encode()) if self.marker else -1
        if at >= 0:
            fields = raw[at + 1 + len(self.marker):].rstrip(b"\x1e").split()
            try:
                figures = (int(fields[0]), int(fields[1]), int(fields[2]))
            except (IndexError, ValueError):
                pass
            raw = raw[:at]
        return (uncook(raw) if self.cooked else raw), figures

    @staticmethod
    def _watch_restart(buffer: bytearray) -> None:
        if b">>> " in buffer and RESTART.search(buffer):
            raise _Restarted(bytes(buffer))

    def _fault(self, pending: bytes, started: float) -> RunRecord:
        """The board restarted during the case: a crash. The PC is read from
        the firmware's crash report when it gives one."""
        head = pending[:RESTART.search(pending).start()]
        out, _ = self._program_output(head)
        match = FAULT_PC.search(head)
        self.info = None  # the device layer reconnects
        return RunRecord("fault", out, uncook(head).decode("utf-8", "replace"),
                         fault_pc=int(match.group(1), 16) if match else 0, clock_hz=CLOCK_HZ,
                         wall_seconds=time.monotonic() - started)

