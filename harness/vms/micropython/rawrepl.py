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
from ...errors import DeviceRejected, DeviceTimeout, ProtocolError
from ...registry import transports
from ...transports.stock import stock_firmware_options
from .bundle import BUNDLE_MODULES_MAX, unbundle
from .mpy import ARCH_NAMES, blob_problem
from .rawrepl_code import PROBE, RUN, STAGE, bytes_literal, compact  # noqa: F401 (bytes_literal: tests)
from .repl import RawRepl, _RunTimeout, _Timeout

MODULE = "hilcase"          # the name the blob is imported by
MOUNT_POINT = "/__hil"
CLOCK_HZ = 1_000_000        # ticks_us

# A board that restarted announces itself with the friendly REPL's banner.
RESTART = re.compile(rb"MicroPython v\d[^\r\n]*\r\n(?:[^\r\n]*\r\n)?>>> ")
FAULT_PC = re.compile(rb"PC\s*[:=]?\s*(?:0x)?([0-9a-fA-F]{8})")
STDIN_FRAME = re.compile(r'^  File "<stdin>", line \d+, in .*\n', re.M)
TRACEBACK_HEAD = "Traceback (most recent call last):\n"




class _Restarted(Exception):
    """The board announced itself anew while code ran: it crashed and reset."""

    def __init__(self, pending: bytes):
        super().__init__("the board restarted")
        self.pending = pending


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
        self.options = stock_firmware_options("raw-repl", "raw-REPL", self.OPTIONS, options)
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
                    raise DeviceRejected("no-memory",
                                         f"no heap to stage a {len(blob)}-byte blob: {text.splitlines()[-1]}", 5)
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
                raise DeviceRejected("no-memory",
                                     f"no heap to stage {what} ({size} bytes): {text.splitlines()[-1]}", 5)
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

