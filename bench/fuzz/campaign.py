"""The fuzz campaign: blob mode and frame mode against the sanitizer runner,
crash triage, reproduction and minimisation.

Everything a runner does ends as a counted outcome; a crash of the VM is a
finding, never an exception here. Even a fault in the fuzzer's own
bookkeeping is caught per execution, counted as ``harness-error`` and the run
goes on with a fresh runner.
"""

from __future__ import annotations

import hashlib
import random
import select
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from harness.transports import booter as p

from .formats import UnknownFormat, blob_format
from .frames import FrameMutator
from .minimise import Minimised, ddmin
from .report import Crash, Symbolizer, classify
from .runner import Outcome, Runner, RunnerError, RunnerPool

LIVENESS_SEQ = 251       # above every sequence number a burst uses (frames.MAX_SEQ)
HISTORY = 8              # bursts kept to reproduce a frame-mode crash that needs earlier state
KNOWN_HAZARD_RUNS = 3    # mutants predicted to reach a known loader crash that still run


@dataclass
class Finding:
    key: str
    crash: Crash
    mode: str                 # blobs or frames
    data: bytes               # the input that first showed it
    execution: int            # its number within its mode (calibration: 0)
    how: str                  # the mutations or the burst's frames
    origin: str               # the seed program a blob came from
    hits: int = 1
    reproduced: bool | None = None
    minimised: bytes | None = None
    minimise_tests: int = 0
    minimise_complete: bool = False


@dataclass
class ModeStats:
    mode: str
    execs: int = 0
    seconds: float = 0.0
    outcomes: Counter = field(default_factory=Counter)
    crashes: int = 0
    timeouts: int = 0
    frames: int = 0           # frame mode: frames sent
    skipped: int = 0          # mutants not run: predicted to reach a known loader crash
    predicted: dict = field(default_factory=dict)  # such predictions, by crash
    digest: str = ""          # sha256 of every input, in order: equal runs made equal inputs
    kinds: Counter = field(default_factory=Counter)   # blob mode: executions by their seed's kind (file suffix)

    @property
    def rate(self) -> float:
        return self.execs / self.seconds if self.seconds else 0.0


def frame_count(data: bytes) -> int:
    return data.count(bytes([p.SOF]))


class Fuzzer:
    def __init__(self, firmware: Path, workdir: Path, seed: int, timeout: float = 0.3,
                 log: Callable[[str], None] = lambda message: None, lanes: int = 2):
        self.firmware = Path(firmware)
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.seed = seed
        self.timeout = timeout
        self.log = log
        self.symbolizer = Symbolizer(self.firmware)
        self.findings: dict[str, Finding] = {}
        self.target = self.pin = ""     # the fuzz target's name and VM pin, for the findings' records
        self.dropped: Counter = Counter()  # seeds left out by calibrate, by why
        self.pool = RunnerPool(self.firmware, self.workdir, lanes=lanes)
        self.info = self.pool.info
        try:
            self.format = blob_format(self.info)
        except UnknownFormat as exc:
            self.close()
            raise RunnerError(str(exc)) from None

    def close(self) -> None:
        self.pool.close()
        self.symbolizer.close()

    # --- triage -------------------------------------------------------------------
    def triage(self, outcome: Outcome, full: bool = False) -> Crash:
        return classify(outcome.how, outcome.returncode, outcome.report, self.firmware, self.symbolizer, full)

    def _triage_new(self, outcome: Outcome) -> Crash:
        """The crash; with its whole stack if its key is new (the stack says
        its phase, and is what gets stored)."""
        crash = self.triage(outcome)
        if crash.key not in self.findings:
            crash = self.triage(outcome, full=True)
        return crash

    def _record(self, crash: Crash, mode: str, data: bytes, execution: int, how: str, origin: str) -> None:
        finding = self.findings.get(crash.key)
        if finding:
            finding.hits += 1
            # Lanes finish out of order; the earliest input is the example,
            # so a rerun with the same seed keeps the same one.
            if (mode, execution) < (finding.mode, finding.execution):
                finding.mode, finding.data, finding.execution = mode, data, execution
                finding.how, finding.origin = how, origin
            return
        self.findings[crash.key] = Finding(crash.key, crash, mode, data, execution, how, origin)
        self.log(f"  new: {crash.key} ({mode} #{execution}): {crash.first_line}")

    def _safe_run(self, blob: bytes) -> Outcome:
        """One execution, whatever happens in the fuzzer's own code."""
        try:
            return self.pool.run(blob, self.timeout)
        except RunnerError:
            raise
        except Exception:  # a bug of ours: count it, restart, go on
            self.log("harness error (counted, run goes on):\n" + traceback.format_exc())
            self.pool.replace()
            return Outcome("harness-error")

    # --- corpus -------------------------------------------------------------------
    def calibrate(self, corpus: list[tuple[str, bytes]], slow: float = 0.05) -> list[tuple[str, bytes]]:
        """Run every seed once as compiled. One that crashes is a finding
        already (and would only crash again under mutation); one that hangs
        or runs longer than ``slow`` seconds would only slow the run; one the
        runner refuses (larger than its heap) would only be refused again.
        ``self.dropped`` counts the seeds left out, by why."""
        kept = []
        self.dropped = Counter()
        for name, blob in corpus:
            started = time.monotonic()
            outcome = self._safe_run(blob)
            took = time.monotonic() - started
            if outcome.kind == "crash":
                self.dropped["crash as compiled"] += 1
                self._record(self._triage_new(outcome), "blobs", blob, 0, "seed as compiled", name)
            elif outcome.kind == "rejected":
                self.dropped[f"refused by the runner ({outcome.error})"] += 1
            elif outcome.kind == "completed" and took <= slow:
                kept.append((name, blob))
            else:
                self.dropped["too slow or hanging"] += 1
        return kept

    # --- blob mode ----------------------------------------------------------------
    def fuzz_blobs(self, corpus: list[tuple[str, bytes]], execs: int, progress: float = 10.0) -> ModeStats:
        """``execs`` mutated blobs, spread over the pool's lanes (one
        execution in flight on each). Inputs are made in order from one
        seeded generator, so which lane runs one changes nothing."""
        stats = ModeStats("blobs")
        names = [name for name, _ in corpus]
        mutator = self.format.mutator([blob for _, blob in corpus], random.Random(f"blobs:{self.seed}"),
                                      max_size=min(16384, max(64, self.info.number("blob_max", 16384) - 64)))
        hazards: Counter = Counter()

        def next_input() -> tuple[bytes, str, int]:
            # A mutant the format's model says reaches a known loader crash
            # (mpy.hazard) runs only the first few times: after that it
            # would cost a runner restart and find nothing new.
            while True:
                blob, how, index = mutator.mutate()
                hazard = self.format.hazard(blob)
                if hazard:
                    hazards[hazard] += 1
                    if hazards[hazard] > KNOWN_HAZARD_RUNS:
                        stats.skipped += 1
                        continue
                return blob, how, index

        digest = hashlib.sha256()
        pool = self.pool
        busy: dict[int, tuple[int, bytes, str, int]] = {}   # lane -> the execution in flight
        starting: dict[int, float] = {}                       # lanes waiting for a spare's INFO, until
        dying: list[tuple[Runner, Outcome, float, tuple]] = []  # crashed runners finishing their report
        issued = done = 0
        started = last = time.monotonic()

        def finish(outcome: Outcome, execution: tuple) -> None:
            nonlocal done
            number, blob, how, index = execution
            done += 1
            self._count(stats, outcome)
            if outcome.kind == "crash":
                self._record(self._triage_new(outcome), "blobs", blob, number, how, names[index])

        while done < execs:
            for lane, runner in enumerate(pool.lanes):
                if lane not in busy and lane not in starting and issued < execs:
                    issued += 1
                    blob, how, index = next_input()
                    digest.update(len(blob).to_bytes(4, "little") + blob)
                    stats.kinds[self.format.suffix(corpus[index][1])] += 1   # by the loader its seed is for
                    busy[lane] = (issued, blob, how, index)
                    runner.begin(blob, self.timeout)
            # Wait for any lane's answer, a spare's INFO, or a deadline; a
            # dying runner is polled every few milliseconds.
            watched = [pool.lanes[lane] for lane in (*busy, *starting)]
            deadlines = [pool.lanes[lane].deadline for lane in busy]
            wait = max(0.0, min(deadlines) - time.monotonic()) if deadlines else 1.0
            if dying:
                wait = min(wait, 0.002)
            try:
                readable, writable, _ = select.select([r.rfd for r in watched],
                                                      [r.wfd for r in watched if r.pending], [], wait)
            except (OSError, ValueError):
                readable, writable = [r.rfd for r in watched], []
            now = time.monotonic()
            for lane, until in list(starting.items()):
                runner = pool.lanes[lane]
                if runner.poll_ready():
                    del starting[lane]
                elif runner.eof or runner.proc.poll() is not None or now > until:
                    if now > until:
                        raise RunnerError(f"{self.firmware} did not announce itself within "
                                          f"{pool.startup_timeout:g} s: {runner.stderr_text()[-2000:]}")
                    pool.retire(lane).discard()    # a spare that died starting: take another
            for lane in list(busy):
                runner = pool.lanes[lane]
                try:
                    runner.step(runner.rfd in readable, runner.wfd in writable)
                    outcome = runner.outcome(now, wait=False)
                except Exception:  # a bug of ours: count it, restart the lane, go on
                    self.log("harness error (counted, run goes on):\n" + traceback.format_exc())
                    outcome = Outcome("harness-error")
                if outcome is None:
                    continue
                execution = busy.pop(lane)
                if outcome.kind in ("timeout", "crash", "harness-error"):
                    old = pool.retire(lane)
                    starting[lane] = now + pool.startup_timeout
                    if outcome.kind == "crash" and outcome.report is None:
                        dying.append((old, outcome, now + 5.0, execution))
                        continue
                    old.discard()
                finish(outcome, execution)
            for item in list(dying):
                runner, outcome, give_up, execution = item
                if runner.collect(outcome, give_up):
                    dying.remove(item)
                    runner.discard()
                    finish(outcome, execution)
            if now - last >= progress:
                last = now
                self._progress(stats, done, execs, now - started)
        stats.execs = execs
        stats.seconds = time.monotonic() - started
        stats.digest = digest.hexdigest()
        stats.predicted = dict(hazards)
        return stats

    def _count(self, stats: ModeStats, outcome: Outcome) -> None:
        if outcome.kind == "completed":
            stats.outcomes[outcome.status] += 1
        elif outcome.kind == "rejected":
            stats.outcomes[f"rejected:{outcome.error}"] += 1
        else:
            stats.outcomes[outcome.kind] += 1
        if outcome.kind == "timeout":
            stats.timeouts += 1
        elif outcome.kind == "crash":
            stats.crashes += 1

    def _progress(self, stats: ModeStats, done: int, total: int, seconds: float) -> None:
        self.log(f"  {stats.mode}: {done}/{total} in {seconds:.0f} s ({done / seconds:.0f}/s), "
                 f"{stats.timeouts} timeouts, {stats.crashes} crashes, {len(self.findings)} distinct so far")

    # --- frame mode ---------------------------------------------------------------
    def _liveness(self) -> bytes:
        # Enough zero bytes to finish the longest frame a burst can leave half
        # sent (header, the largest payload: a chunk and its offset, CRC),
        # then HELLO.
        flush = bytes(p.HEADER.size + self.info.chunk + 4 + p.CRC.size + 8)
        return flush + p.encode_frame(p.HELLO, LIVENESS_SEQ)

    def _burst(self, runner: Runner, burst: bytes) -> Outcome:
        """Send a burst, then check the booter still answers. The outcome of the burst."""
        runner.send(burst, self.timeout)
        alive = not runner.eof and runner.alive(self._liveness(), LIVENESS_SEQ, self.timeout)
        if runner.eof:
            return runner.crashed("died")
        if runner.stderr_size():
            return runner.crashed("report")
        if not alive:
            return Outcome("timeout")
        return Outcome("completed", status="alive")

    def fuzz_frames(self, corpus: list[tuple[str, bytes]], execs: int, progress: float = 10.0) -> ModeStats:
        stats = ModeStats("frames")
        mutator = FrameMutator([blob for _, blob in corpus], random.Random(f"frames:{self.seed}"),
                               chunk=self.info.chunk, blob_max=self.info.number("blob_max", 65536))
        liveness = self._liveness()
        history: list[bytes] = []
        digest = hashlib.sha256()
        started = last = time.monotonic()
        for i in range(1, execs + 1):
            burst, how = mutator.burst()
            digest.update(len(burst).to_bytes(4, "little") + burst)
            stats.frames += frame_count(burst)
            history = (history + [burst + liveness])[-HISTORY:]
            try:
                outcome = self._burst(self.pool.current, burst)
            except Exception:  # a bug of ours: count it, restart, go on
                self.log("harness error (counted, run goes on):\n" + traceback.format_exc())
                outcome = Outcome("harness-error")
            self._count(stats, outcome)
            if outcome.kind == "crash":
                # Earlier bursts may have left the state this one tripped on.
                self._record(self._triage_new(outcome), "frames", b"".join(history), i, how, "")
            if outcome.kind != "completed":
                self.pool.settle(0, outcome)
                history = []
            now = time.monotonic()
            if now - last >= progress:
                last = now
                self._progress(stats, i, execs, now - started)
        stats.execs = execs
        stats.seconds = time.monotonic() - started
        stats.digest = digest.hexdigest()
        return stats

    # --- reproduction and minimisation -----------------------------------------------
    def replay(self, mode: str, data: bytes, full: bool = False) -> Crash | None:
        """Run ``data`` once on a runner with no history; the crash it causes, if any."""
        if mode == "blobs":
            outcome = self._safe_run(data)
            return self.triage(outcome, full) if outcome.kind == "crash" else None
        runner = Runner(self.firmware, self.workdir / "replay.stderr")
        try:
            runner.wait_ready(self.pool.startup_timeout)
            outcome = self._burst(runner, data)
            return self.triage(outcome, full) if outcome.kind == "crash" else None
        finally:
            runner.discard()

    def minimise(self, finding: Finding, max_tests: int = 3000, seconds: float = 60.0) -> None:
        """Check the finding reproduces on its own, then shrink it keeping its key."""
        data = finding.data
        if finding.mode == "frames":
            # The shortest run of trailing bursts that still crashes.
            bursts = _split_history(data, self._liveness())
            data = b""
            for n in range(1, len(bursts) + 1):
                candidate = b"".join(bursts[-n:])
                crash = self.replay("frames", candidate)
                if crash and crash.key == finding.key:
                    data = candidate
                    break
        else:
            crash = self.replay("blobs", data)
            if not (crash and crash.key == finding.key):
                data = b""
        finding.reproduced = bool(data)
        if not data:
            return

        def same_crash(candidate: bytes) -> bool:
            crash = self.replay(finding.mode, candidate)
            return crash is not None and crash.key == finding.key

        shrink = self.format.minimise if finding.mode == "blobs" else ddmin
        result: Minimised = shrink(data, same_crash, max_tests=max_tests, deadline=time.monotonic() + seconds)
        finding.minimised = result.data
        finding.minimise_tests = result.tests
        finding.minimise_complete = result.complete
        # The minimised input's own report (same key; its lines may differ).
        crash = self.replay(finding.mode, result.data, full=True)
        if crash is not None and crash.key == finding.key:
            finding.crash = crash


def _split_history(data: bytes, liveness: bytes) -> list[bytes]:
    parts = data.split(liveness)
    return [part + liveness for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
