"""The pika-shell transport: .py.o blobs through stock PikaScript firmware's shell.

Stock firmware keeps PikaScript's shell (PikaObj.c): a REPL that also takes a
compiled module streamed on the same link, ``0f 'pyo'``, a u32 size and the
code (the .py.o file as the compiler wrote it), and runs it at once. What it
prints is read by shell_text.py. For each case the transport:

1. reboots the board from the REPL (``reboot()``), so the case starts with a
   fresh root object and heap as under the booter, and reads the core's
   version from the boot text;
2. checks the blob against that version (formats.py), then streams it;
3. reads until the prompt comes back: the program's output, then, when an
   error left the program, the VM's error text (its message line and the
   failing instruction of each frame), which ends the run as an exception
   with ``Type: message`` as its last line. A board that resets meanwhile
   ran out of heap (``FatalError: heap exhausted``), stopped its VM
   (another ``FatalError``) or faulted (``FATAL: CPU fault at PC``).

Timing: the shell prints none, and PikaStdLib 1.14 gives a program no clock
(no ``time`` module): the transport times on the host, from the shell's RUN
line to the prompt, in microseconds. That includes the output's transfer and
the emulator's or UART's pace, so it is coarse; no heap or stack figures.

A ``.py.a`` is not sent: the shell saves a streamed library as its app and
reboots into it, which needs a file system; the transport announces no
helper modules. A program cannot be told from the prompt if its own output
ends in ``>>> `` while it still runs.
"""

from __future__ import annotations

import hashlib
import time

from ...device.info import DeviceInfo, RunRecord
from ...errors import DeviceRejected, DeviceTimeout, ProtocolError
from ...registry import transports
from ...transports.stock import stock_firmware_options
from . import formats
from . import shell_text as text

CLOCK_HZ = 1_000_000        # the host's clock, in microseconds
# A float32 VM cannot tell 2**24 + 1 from 2**24.
DOUBLE_PROBE = b"print(16777217.0 - 16777216.0)"


class _Timeout(Exception):
    def __init__(self, what: str, pending: bytes):
        super().__init__(what)
        self.what = what
        self.pending = pending


class _Restarted(Exception):
    """The board booted anew while a case ran: ``before`` is what it printed first."""

    def __init__(self, before: bytes):
        super().__init__("the board restarted")
        self.before = before


@transports.register("pika-shell")
class PikaShellTransport:
    """Runs .py.o blobs on stock PikaScript firmware through its shell.

    Options: ``command_timeout`` (seconds for a reboot or a REPL line,
    default 10)."""

    OPTIONS = {"command_timeout": 10.0}

    def __init__(self, link, options: dict | None = None):
        self.options = stock_firmware_options("pika-shell", "pika-shell", self.OPTIONS, options)
        self.link = link
        self.buffer = bytearray()
        self.info: DeviceInfo | None = None
        self.version = self.stamp = ""  # the core's version and build stamp, from the boot text
        self.fresh = False          # the board booted and ran nothing since

    # --- bytes ---------------------------------------------------------------
    def _deadline(self) -> float:
        return time.monotonic() + float(self.options["command_timeout"])

    def _read_until(self, done, deadline: float, what: str, watch=None):
        """Read until ``done(buffer)`` gives something (not None), and return it."""
        while True:
            if watch is not None:
                watch(self.buffer)
            result = done(self.buffer)
            if result is not None:
                return result
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Timeout(what, bytes(self.buffer))
            self.buffer += self.link.read(4096, min(left, 0.5))

    def _prompt(self, buffer: bytearray):
        """Everything before a prompt that ends what came so far, consumed with it."""
        if buffer.endswith(text.PROMPT):
            data = bytes(buffer[:-len(text.PROMPT)])
            buffer.clear()
            return data
        return None

    # --- the REPL ----------------------------------------------------------------
    def _reboot(self, deadline: float) -> bytes:
        """Reboot from the REPL; the boot text, up to the prompt."""
        self.buffer.clear()
        self.link.write(b"reboot()\r")

        def booted(buffer: bytearray):
            at = buffer.find(text.BOOT_HEAD)
            return self._prompt(buffer) if at >= 0 and buffer.endswith(text.PROMPT) else None

        boot = self._read_until(booted, deadline, "boot after reboot()")
        found = text.boot_version(boot)
        if found is None:
            raise ProtocolError("the board rebooted without saying its PikaScript core's version "
                                f"(no 'pikascript-core==v...' line): {boot[-300:]!r}")
        if self.version and found[0] != self.version:
            raise ProtocolError(f"the board now runs PikaScript core {found[0]}, not the {self.version} it ran")
        self.version, self.stamp = found
        self.fresh = True
        return boot

    def _line(self, line: bytes, deadline: float) -> bytes:
        """Type a line at the prompt; what it printed."""
        self.buffer.clear()
        self.link.write(line + b"\r")
        self.fresh = False
        answer = self._read_until(self._prompt, deadline, f"the prompt after {line.decode()!r}")
        # The echo (the line and its "\r"), then the shell's own "\r\n".
        return answer.partition(b"\r\n")[2] if answer.startswith(line) else answer

    def connect(self, timeout: float) -> DeviceInfo:
        """Find the prompt, reboot, read the core's version, probe the float type."""
        deadline = time.monotonic() + timeout
        try:
            self.buffer.clear()
            self.link.write(b"\r")
            self._read_until(self._prompt, deadline, "the shell's prompt")
            self._reboot(deadline)
            double = self._line(DOUBLE_PROBE, deadline).strip().startswith(b"1.0")
        except _Timeout as exc:
            raise DeviceTimeout(f"no {exc.what} within {timeout:g} s (last bytes: {exc.pending[-120:]!r})") from None
        major_minor = ".".join(self.version.split(".")[:2])
        self.info = DeviceInfo({
            "vm": "pikascript",
            "version": self.version,
            "pyo": major_minor,
            "pya": formats.pya_version(major_minor),
            "compiler": "1",
            "features": "core,float," + ("double" if double else "float32"),
            "proto": "pika-shell",
            "build": hashlib.sha256(f"{self.version} {self.stamp}".encode()).hexdigest()[:16],
            "clock": str(CLOCK_HZ),
            # A .py.a would be saved as the board's app, and the board rebooted.
            "modules": "0",
        })
        return self.info

    # --- a case --------------------------------------------------------------------
    def run(self, blob: bytes, timeout: float) -> RunRecord:
        if self.info is None:
            raise ProtocolError("the pika-shell transport ran a case before connect()")
        if blob.startswith(formats.PYA_MAGIC):
            raise DeviceRejected("not-a-module", "the shell runs one .py.o; it saves a .py.a as its app and "
                                                 "reboots into it, which needs a file system this transport "
                                                 "does not assume")
        problem = formats.blob_problem(blob, self.info)
        if problem:
            raise DeviceRejected("incompatible-pyo", problem)
        started = time.monotonic()
        try:
            if not self.fresh:
                self._reboot(self._deadline())
            self.buffer.clear()
            self.fresh = False
            self.link.write(blob)
            ran = 0.0
            received = self._read_until(self._run_started, self._deadline(), "RUN line after the blob")
            ran = time.monotonic()
            out = self._read_until(self._prompt, ran + timeout, "prompt after the run", watch=self._watch_restart)
            ended = time.monotonic()
        except _Restarted as exc:
            return self._restarted(exc.before, started, ran, len(blob))
        except _Timeout as exc:
            if exc.what.startswith("prompt"):
                raise DeviceTimeout(f"the case did not finish within {timeout:g} s (no prompt)",
                                    text.split_run(exc.pending).output) from None
            raise DeviceTimeout(f"no {exc.what} within {self.options['command_timeout']:g} s "
                                f"(last bytes: {exc.pending[-120:]!r})") from None
        if received != len(blob):
            raise ProtocolError(f"the shell received {received} bytes of a {len(blob)}-byte .py.o")
        split = text.split_run(out)
        status, trace = "ok", ""
        if split.error:
            status, trace = "exception", split.error + split.summary + "\n"
        return RunRecord(status, split.output, trace, run_cycles=int((ended - ran) * CLOCK_HZ),
                         load_cycles=int((ran - started) * CLOCK_HZ), clock_hz=CLOCK_HZ,
                         wall_seconds=ended - started, extra={"timing": "host clock, RUN line to prompt"})

    def _run_started(self, buffer: bytearray):
        """The size the shell says it received, once its RUN line came; the
        output that follows stays in the buffer."""
        at = buffer.find(text.RUN_HEAD)
        if at < 0:
            # The board booted again before it ran anything (no heap for the blob).
            self._watch_restart(buffer)
            return None
        size = text.RECEIVED.search(buffer, 0, at)
        received = int(size.group(1)) if size else -1
        del buffer[:at + len(text.RUN_HEAD)]
        return received

    @staticmethod
    def _watch_restart(buffer: bytearray) -> None:
        at = buffer.find(text.BOOT_HEAD)
        if at >= 0 and buffer.endswith(text.PROMPT):
            raise _Restarted(bytes(buffer[:at]))

    def _restarted(self, before: bytes, started: float, ran: float, size: int) -> RunRecord:
        """The board booted anew during the case (``ran``: when its RUN line
        came, 0 if it never did): out of heap, the VM stopped itself, or a CPU
        fault. It is at a fresh prompt again."""
        self.buffer.clear()
        self.fresh = True
        now = time.monotonic()
        said = before.decode("utf-8", "replace")
        heap = text.HEAP_EXHAUSTED.search(said)
        if not ran:
            if heap:
                raise DeviceRejected("no-memory", f"no heap to receive a {size}-byte blob: {heap.group(0)}", 5)
            raise ProtocolError(f"the board restarted while it received the blob: {said[-300:]!r}")
        run_cycles = int((now - ran) * CLOCK_HZ)
        if heap:
            output = before[:before.find(heap.group(0).encode())]
            trace = f"{heap.group(0)}\nMemoryError: heap exhausted ({heap.group(1)}-byte allocation)\n"
            return RunRecord("memory-error", output, trace, run_cycles=run_cycles, clock_hz=CLOCK_HZ,
                             wall_seconds=now - started)
        fault = text.CPU_FAULT.search(said)
        fatal = text.FATAL.search(said)
        cut = min((m.start() for m in (fault, fatal) if m), default=len(said))
        output = before[:len(said[:cut].encode("utf-8", "replace"))] if cut < len(said) else before
        trace = said[cut:].strip() + "\n" if cut < len(said) else "the board restarted, saying nothing\n"
        return RunRecord("fault", output, trace, fault_pc=int(fault.group(1), 16) if fault else 0,
                         run_cycles=run_cycles, clock_hz=CLOCK_HZ, wall_seconds=now - started)
