"""The sanitizer runner in persistent mode: one child process speaking the
booter protocol on stdin/stdout serves execution after execution, since every
LOAD starts a fresh VM.

The fuzzer drives runners itself rather than through ``Device``: it needs the
runner's stderr (where AddressSanitizer and UndefinedBehaviorSanitizer
write), spare processes to swap in the moment one dies, several runners busy
at once, and no retries (a frame sent again would hide what the device did
with the first).

Nothing here raises on what a runner does: every way an execution can end is
an ``Outcome``. Only a runner that cannot even start raises ``RunnerError``.
"""

from __future__ import annotations

import os
import platform
import select
import shutil
import struct
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

from harness.device.info import DeviceInfo
from harness.transports import booter as p

# Sanitizer options, set for each runner process.
#  - halt_on_error: stop at the first report (ASan does by default; UBSan
#    would print and go on), so one input is one finding.
#  - allow_user_segv_handler=0, handle_abort=1: the posix board installs a
#    fault handler that reports a fault and exits; ASan's own handlers print
#    a stack instead, which the dedup key needs, also after a failed assert
#    (SIGABRT). SIGILL still reaches the board's handler (a fault status).
#  - symbolize=0: symbolizing the 5 MB binary's DWARF costs ~0.4 s a crash;
#    report.py symbolizes the frames it needs with a running addr2line.
#  - detect_leaks=0: the runner never frees its static heap; leaks say nothing.
ASAN_OPTIONS = ("halt_on_error=1:abort_on_error=0:allow_user_segv_handler=0:handle_abort=1:symbolize=0:detect_leaks=0:"
                "detect_stack_use_after_return=0:print_summary=1")
UBSAN_OPTIONS = "halt_on_error=1:print_stacktrace=1:symbolize=0"


# Runners start without address randomisation where util-linux's setarch
# can arrange it: a mutant that makes the VM follow a garbage pointer then
# lands on the same address every time, so a crash reproduces on its own and
# two runs with the same seed count the same outcomes.
_SETARCH = shutil.which("setarch")
NO_ASLR = [_SETARCH, platform.machine(), "-R"] if _SETARCH and sys.platform.startswith("linux") else []


class RunnerError(Exception):
    """The runner could not be started or did not announce itself."""


@dataclass
class Outcome:
    """How one execution ended."""

    kind: str                 # completed, rejected, timeout, crash, harness-error
    status: str = ""          # completed: ok, exception, memory-error, load-error (frames: alive)
    how: str = ""             # crash: died, fault, reset, report
    returncode: int | None = None
    report: str | None = ""   # crash: the runner's stderr (None: not read yet, see Runner.collect)
    error: str = ""           # rejected: the protocol error's name


def sanitizer_env() -> dict:
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = ASAN_OPTIONS
    env["UBSAN_OPTIONS"] = UBSAN_OPTIONS
    return env


def transfer_frames(blob: bytes, chunk: int, seq: int, flags: int = p.LOAD_RUN) -> bytes:
    """Every frame of one blob's transfer, to be sent without waiting for
    ACKs: the booter takes frames one at a time, so it never falls behind."""
    first = max(0, chunk + 4 - p.LOAD_HEADER.size)
    out = [p.encode_frame(p.LOAD, seq, p.LOAD_HEADER.pack(len(blob), zlib.crc32(blob), flags) + blob[:first])]
    for offset in range(first, len(blob), chunk):
        out.append(p.encode_frame(p.DATA, seq, struct.pack("<I", offset) + blob[offset:offset + chunk]))
    return b"".join(out)


class Runner:
    """One runner process, its pipes, its stderr file, and at most one
    execution in flight."""

    def __init__(self, firmware: Path, stderr_path: Path):
        self.firmware = firmware
        self.stderr_path = stderr_path
        # close_fds=False lets subprocess use posix_spawn, several times
        # cheaper than fork and exec from a large parent; the parent's other
        # descriptors are not inheritable anyway (PEP 446).
        try:
            with open(stderr_path, "wb") as err:
                self.proc = subprocess.Popen([*NO_ASLR, str(firmware)], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=err, bufsize=0, close_fds=False,
                                             env=sanitizer_env())
        except OSError as exc:
            raise RunnerError(f"cannot start {firmware}: {exc}") from None
        self.rfd = self.proc.stdout.fileno()
        self.wfd = self.proc.stdin.fileno()
        os.set_blocking(self.rfd, False)
        os.set_blocking(self.wfd, False)
        self.decoder = p.FrameDecoder(p.MAX_DEVICE_PAYLOAD)
        self.frames: list[p.Frame] = []
        self.info: DeviceInfo | None = None
        self.eof = False
        self.seq = 0
        # The execution in flight.
        self.pending = memoryview(b"")
        self.deadline = 0.0
        self.answer: p.Frame | None = None

    # --- bytes ------------------------------------------------------------------
    def read_available(self) -> None:
        try:
            chunk = os.read(self.rfd, 65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self.eof = True
        else:
            self.frames.extend(self.decoder.feed(chunk))

    def write_available(self) -> None:
        try:
            self.pending = self.pending[os.write(self.wfd, self.pending[:65536]):]
        except BlockingIOError:
            pass
        except OSError:       # EPIPE: the runner is gone
            self.eof = True
            self.pending = memoryview(b"")

    def _pump(self, data: bytes, deadline: float, done) -> bool:
        """Write ``data`` while reading; stop when ``done()`` holds, at EOF or
        at the deadline. Both directions at once: the booter answers bad
        frames as it reads them, and a burst bigger than the pipes would
        otherwise block both ends."""
        self.pending = memoryview(data)
        while True:
            if done():
                return True
            if self.eof:
                return False
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                readable, writable, _ = select.select([self.rfd], [self.wfd] if self.pending else [], [], left)
            except (OSError, ValueError):
                self.eof = True
                return False
            if writable:
                self.write_available()
            if readable:
                self.read_available()

    def next_seq(self) -> int:
        self.seq = self.seq % 250 + 1   # 1..250; the frame fuzzer keeps 251..255 for itself
        return self.seq

    def wait_ready(self, timeout: float) -> DeviceInfo:
        def ready() -> bool:
            for i, frame in enumerate(self.frames):
                if frame.type == p.INFO:
                    self.info = DeviceInfo.parse(frame.payload)
                    del self.frames[:i + 1]
                    return True
            return False

        if self.info is None and not self._pump(b"", time.monotonic() + timeout, ready):
            self.kill()
            raise RunnerError(f"{self.firmware} did not announce itself within {timeout:g} s: "
                              f"{self.stderr_text()[-2000:] or 'no output on stderr'}")
        return self.info

    # --- one execution, without blocking ------------------------------------------------
    def begin(self, blob: bytes, timeout: float) -> None:
        """Send a blob's transfer (what the pipe takes now; ``step`` sends the rest)."""
        self.seq = self.next_seq()
        self.frames.clear()
        self.answer = None
        self.pending = memoryview(transfer_frames(blob, self.info.chunk, self.seq))
        self.deadline = time.monotonic() + timeout
        self.write_available()

    def step(self, readable: bool, writable: bool) -> None:
        if writable and self.pending:
            self.write_available()
        if readable:
            self.read_available()
        while self.frames and self.answer is None:
            frame = self.frames.pop(0)
            # INFO of any number: the runner restarted itself mid-run.
            if frame.type == p.INFO or (frame.seq == self.seq and frame.type in (p.STATUS, p.ERR)):
                self.answer = frame

    def outcome(self, now: float, wait: bool = True) -> Outcome | None:
        """The execution's outcome once it has one, else None. A crash's
        report is complete only once the runner has exited: with ``wait``
        False such an outcome comes back with ``report`` None, for
        ``collect`` to finish later."""
        frame = self.answer
        if frame is None:
            if self.eof:
                return self.crashed("died", wait)
            if now >= self.deadline:
                return Outcome("timeout")
            return None
        if frame.type == p.INFO:
            self.info = DeviceInfo.parse(frame.payload)
            return self.crashed("reset", wait)
        if frame.type == p.ERR:
            code = frame.payload[0] if frame.payload else 0
            return Outcome("rejected", error=p.ERROR_NAMES.get(code, str(code)))
        code = frame.payload[0] if frame.payload else -1
        status = p.STATUS_NAMES.get(code, f"status-{code}")
        if status == "fault":
            return self.crashed("fault", wait)
        if self.stderr_size():
            # A sanitizer spoke but did not stop the runner: still a finding.
            return self.crashed("report", wait)
        return Outcome("completed", status=status)

    def run(self, blob: bytes, timeout: float) -> Outcome:
        """LOAD and run one blob, waiting for the outcome (never an exception)."""
        self.begin(blob, timeout)
        while True:
            now = time.monotonic()
            outcome = self.outcome(now)
            if outcome is not None:
                return outcome
            try:
                readable, writable, _ = select.select([self.rfd], [self.wfd] if self.pending else [], [],
                                                      max(0.0, self.deadline - now))
            except (OSError, ValueError):
                self.eof = True
                continue
            self.step(bool(readable), bool(writable))

    # --- raw bytes, for the frame fuzzer ------------------------------------------
    def send(self, data: bytes, timeout: float) -> bool:
        """Write raw bytes (a burst of frames), reading and dropping whatever
        comes back meanwhile; False if the runner went away or stopped reading."""
        sent = self._pump(data, time.monotonic() + timeout, lambda: not self.pending)
        self.frames.clear()
        return sent

    def alive(self, probe: bytes, seq: int, timeout: float) -> bool:
        """Liveness: send ``probe`` (zeros to finish any frame left half sent,
        then HELLO numbered ``seq``); INFO with that number must come back."""
        def answered() -> bool:
            while self.frames:
                frame = self.frames.pop(0)
                if frame.type == p.INFO and frame.seq == seq:
                    self.info = DeviceInfo.parse(frame.payload)
                    return True
            return False

        return self._pump(probe, time.monotonic() + timeout, answered)

    # --- ends -------------------------------------------------------------------
    def crashed(self, how: str, wait: bool = True) -> Outcome:
        if how in ("reset", "report"):
            # Alive, and its stderr already says all it will.
            return Outcome("crash", how=how, report=self.stderr_text())
        if how == "fault" and self.proc.poll() is None and self._lives_on():
            # A VM that stopped itself (PikaScript's failed assertions and
            # panics) reports a fault and its booter goes on: nothing more
            # will come on stderr.
            return Outcome("crash", how=how, report=self.stderr_text())
        if not wait:
            return Outcome("crash", how=how, report=None)
        return Outcome("crash", how=how, returncode=self.finish(), report=self.stderr_text())

    def _lives_on(self, grace: float = 0.2) -> bool:
        try:
            self.proc.wait(timeout=grace)
            return False
        except subprocess.TimeoutExpired:
            return True

    def collect(self, outcome: Outcome, give_up: float) -> bool:
        """Finish a crash outcome left without its report: True once the
        runner has exited (or been killed at ``give_up``) and the report is in."""
        if self.proc.poll() is None:
            if time.monotonic() < give_up:
                return False
            self.kill()
        outcome.returncode = self.proc.returncode
        outcome.report = self.stderr_text()
        return True

    def poll_ready(self) -> bool:
        """Whether a starting runner has announced itself (without blocking)."""
        if self.info is None:
            self.read_available()
            for i, frame in enumerate(self.frames):
                if frame.type == p.INFO:
                    self.info = DeviceInfo.parse(frame.payload)
                    del self.frames[:i + 1]
                    break
        return self.info is not None

    def finish(self, grace: float = 5.0) -> int | None:
        """Wait for a dying runner to finish its report, then make sure it is gone."""
        try:
            return self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.kill()
            return self.proc.returncode

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def stderr_size(self) -> int:
        try:
            return self.stderr_path.stat().st_size
        except OSError:
            return 0

    def stderr_text(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""

    def discard(self) -> None:
        self.kill()
        try:
            self.stderr_path.unlink()
        except OSError:
            pass


class RunnerPool:
    """The runners in use (``lanes``, each with at most one execution in
    flight) and spares started ahead of need: after a crash or a timeout a
    spare takes over at once, and process starts (about 6 ms of CPU each
    under ASan) overlap the executions."""

    def __init__(self, firmware: Path, workdir: Path, lanes: int = 1, spares: int = 2,
                 startup_timeout: float = 20.0):
        self.firmware = firmware
        self.workdir = workdir
        self.startup_timeout = startup_timeout
        self.count = 0
        self.restarts = 0
        self.lanes = [self._spawn() for _ in range(lanes)]
        self.spares: list[Runner] = []
        for runner in self.lanes:
            runner.wait_ready(startup_timeout)
        self.spares = [self._spawn() for _ in range(spares)]

    def _spawn(self) -> Runner:
        self.count += 1
        return Runner(self.firmware, self.workdir / f"runner-{self.count}.stderr")

    @property
    def current(self) -> Runner:
        return self.lanes[0]

    @property
    def info(self) -> DeviceInfo:
        return self.lanes[0].info

    def replace(self, lane: int = 0) -> Runner:
        """Retire a lane's runner (its report already read) and give it a
        spare, waiting until it is ready."""
        self.lanes[lane].discard()
        self.restarts += 1
        self.spares.append(self._spawn())
        for _ in range(2):
            runner = self.spares.pop(0)
            try:
                runner.wait_ready(self.startup_timeout)
                self.lanes[lane] = runner
                return runner
            except RunnerError:
                # A spare that failed to start (the machine under load) gets one more try.
                runner.discard()
                self.spares.append(self._spawn())
        runner = self._spawn()
        runner.wait_ready(self.startup_timeout)
        self.lanes[lane] = runner
        return runner

    def retire(self, lane: int) -> Runner:
        """Hand a lane a spare, which may still be starting (``poll_ready``),
        and return its old runner, which the caller finishes with."""
        old = self.lanes[lane]
        self.restarts += 1
        self.lanes[lane] = self.spares.pop(0)
        self.spares.append(self._spawn())
        return old

    def settle(self, lane: int, outcome: Outcome) -> None:
        """After an outcome: a runner that hung, died or restarted itself
        (ready again, but its stderr file holds the old report) is swapped out."""
        if outcome.kind in ("timeout", "crash", "harness-error"):
            self.replace(lane)

    def run(self, blob: bytes, timeout: float) -> Outcome:
        """One execution on the first lane, waiting for it."""
        outcome = self.lanes[0].run(blob, timeout)
        self.settle(0, outcome)
        return outcome

    def close(self) -> None:
        for runner in [*self.lanes, *self.spares]:
            runner.discard()
