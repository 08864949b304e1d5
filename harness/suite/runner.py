"""The suite runner: the one way cases run, whichever front end asks.

``python -m harness suite`` and the pytest plugin both hand their options
(harness/options.py) to a ``Runner`` and run each case on each target
through it. The runner

- prepares one toolchain per VM of the run's targets (harness/suite/toolchain.py);
- starts a target's ``SuiteRun`` (its firmware, device and host reference)
  the first time a case needs it, and keeps a failure to come up, so each
  of the target's cases reports it without building again;
- runs a case; a target lost in a case costs that case (broken, an
  infrastructure error, never a verdict) and the next case brings it up again;
- tells its sinks (harness/reports/sinks.py) of every case and, at the end,
  lets them write the run's files: the journal, the results files and timing
  reports, the matrix, Allure results, JUnit XML.

Under pytest, cases run in the process pytest puts them in (a pytest-xdist
worker, perhaps), through ``run_case``; their records reach the runner of the
controlling process through ``record``, from pytest's reports. The command
line does both at once with ``execute``.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Sequence

from ..errors import HarnessError
from ..options import Settings
from ..procs import interrupts_held
from ..reports.journal import Journal
from ..reports.sinks import ResultSink
from ..targets import load_target
from .deviations import Deviations
from .recorder import NULL_RECORDER, Recorder
from .toolchain import Toolchains
from .verdict import FAILING, CaseResult, result_record


def nodeid(case, target: str) -> str:
    """The node id of a case's pytest item: ``cases/ints/add.py::host32``."""
    from ..reports.allure import case_parts

    return "/".join(case_parts(case)) + f"::{target}"


class Runner:
    """A run of cases on ``settings.target``."""

    def __init__(self, settings: Settings, reports_dir: Path, sinks: Sequence[ResultSink] = (),
                 board_index: int = 0, log_dir: Path | None = None, baselines: bool = True,
                 timing_repeats: int | None = None):
        self.settings = settings
        # An A/B (harness/ab/) compares two sources with each other, not with
        # the targets' baselines, and repeats runs on measured targets.
        self.baselines = baselines
        self.timing_repeats = timing_repeats
        self.targets: list[str] = list(settings.target)
        for name in self.targets:   # a misspelt one stops here, before anything runs or is cleared
            load_target(name)
        self.cache = settings.cache()
        self.reports_dir = reports_dir
        self.log_dir = log_dir or self.cache / "logs"
        self.board_index = board_index
        self.sinks = list(sinks)
        self.toolchains = Toolchains(self.cache, settings.vm_src)
        self.deviations = Deviations(settings.deviations)
        self.runs: dict = {}                           # target -> started SuiteRun (kept when stopped, for reports)
        self.stopped: set[str] = set()
        self.failures: dict[str, HarnessError] = {}    # target -> why it could not come up
        self.records: dict[str, list[dict]] = {t: [] for t in self.targets}
        self.broken: list[dict] = []                   # cases an infrastructure error ended
        self.seconds: dict[str, float] = {}            # how long each target's cases took (command line)
        self.board_source = None
        self.lock = threading.RLock()                  # targets may come up from a bring-up thread
        self.closing = False
        self.resumed: dict[str, dict] = {}
        self.planned: int | None = None                # how many case runs the run holds, when known

    # --- the journal ---------------------------------------------------------
    def journal(self) -> Journal:
        chosen = self.settings.hil_journal
        return Journal(Path(chosen) if chosen else self.reports_dir / "journal.jsonl", self.targets)

    def resume(self) -> dict[str, dict]:
        """With ``--resume``: the cases the journal's run finished, by node id;
        their records count in this run's summary and exit status."""
        if self.settings.resume:
            self.resumed = self.journal().finished()
            for entry in self.resumed.values():
                if entry.get("target") in self.records:
                    self.records[entry["target"]].append(entry)
        return self.resumed

    # --- targets ---------------------------------------------------------------
    def suite_run(self, target: str):
        """The target's started ``SuiteRun``; a ``HarnessError`` when it cannot
        come up (kept: the target's later cases get it at once)."""
        with self.lock:
            if target in self.failures:
                # Without its old traceback: raised again and again, the one
                # exception would carry every earlier case's frames.
                raise self.failures[target].with_traceback(None)
            if target not in self.runs or target in self.stopped:
                if self.closing:
                    raise HarnessError(f"{target}: the run is ending")
                from .session import SuiteRun

                try:
                    spec = load_target(target)
                    s = self.settings
                    self.stopped.discard(target)
                    toolchain = self.toolchains.for_target(spec)
                    self.runs[target] = SuiteRun(
                        target, toolchain=toolchain, timeout=s.case_timeout,
                        deviations=self.deviations.of(toolchain.profile, spec.pin),
                        log_dir=self.log_dir, board=self.board_for(target), signing_key_file=s.signing_key,
                        push=s.push, baseline_dir=s.baseline_dir, compare_baseline=self.baselines,
                        timing_repeats=self.repeats_for(spec)).start()
                except HarnessError as exc:
                    self.failures[target] = exc
                    raise
            return self.runs[target]

    def repeats_for(self, target) -> int | None:
        """Runs per case for the timing on ``target``, over its own: the
        run's, on targets whose cycles are measured; two on exact ones, the
        second checking that the count repeats."""
        if not self.timing_repeats:
            return None
        if target.exact_cycles:
            return max(2, target.timing_repeats)
        return max(self.timing_repeats, target.timing_repeats)

    def board_for(self, target: str):
        if not load_target(target).needs_board:
            return None
        from ..boardsources import open_source

        if self.board_source is None:   # one source for the run's targets, released at the end
            self.board_source = open_source(self.settings.board_settings)
        return self.board_source.board(target, self.board_index, self.settings.board_overrides)

    def stop(self, target: str) -> None:
        """Stop a target's SuiteRun (the command line runs one target at a time)."""
        with self.lock:
            run = self.runs.get(target)
            if target in self.stopped:
                return
            self.stopped.add(target)
        if run is not None:
            run.stop()

    def release_boards(self) -> None:
        """Give back the boards taken so far (a target that comes up later
        takes its board again): an A/B's other side needs the same board."""
        with self.lock:
            source, self.board_source = self.board_source, None
        if source is not None:
            source.release()

    def close(self) -> None:
        """Stop every target, then give back the board source's boards."""
        with self.lock:   # after a bring-up under way; none starts after this
            self.closing = True
            running = [t for t in self.runs if t not in self.stopped]
        try:
            for target in running:
                self.stop(target)
        finally:
            if self.board_source is not None:   # a farm's board goes back even when a stop failed
                self.board_source.release()

    # --- cases -------------------------------------------------------------------
    def run_case(self, case, target: str, recorder: Recorder = NULL_RECORDER) -> CaseResult:
        """Run ``case`` on ``target`` and judge it; a ``HarnessError`` when the
        target cannot come up or is lost in the case."""
        return self.suite_run(target).run_case(case, recorder)

    def execute(self, case, target: str) -> CaseResult | None:
        """``run_case``, with the sinks told: the case's result, or broken
        (None) when an infrastructure error ended it; the run goes on."""
        started = time.monotonic()
        try:
            run = self.suite_run(target)
        except HarnessError as exc:
            self._broken(case, target, exc, 0.0)
            return None
        recorder = NULL_RECORDER
        for sink in self.sinks:
            recorder = sink.case_started(case, target, run) or recorder
        try:
            result = run.run_case(case, recorder)
        except HarnessError as exc:
            self._broken(case, target, exc, time.monotonic() - started)
            return None
        except BaseException:
            for sink in self.sinks:
                sink.case_interrupted()
            raise
        with interrupts_held():
            self.record({"nodeid": nodeid(case, target), **result_record(result, getattr(case, "corpus", ""))})
            for sink in self.sinks:
                sink.case_finished(case, result, time.monotonic() - started)
        return result

    def _broken(self, case, target: str, error: HarnessError, seconds: float) -> None:
        with interrupts_held():
            self.record_broken(nodeid(case, target), case.id, target, str(error))
            for sink in self.sinks:
                sink.case_broken(case, target, error, seconds)

    def run_target(self, target: str, cases: list) -> None:
        """Every case of ``cases`` on ``target`` not finished already (a
        resumed run), then the target stopped: one target up at a time."""
        started = time.monotonic()
        try:
            for case in cases:
                if nodeid(case, target) not in self.resumed:
                    self.execute(case, target)
        finally:
            self.seconds[target] = time.monotonic() - started
            self.stop(target)

    # --- records -------------------------------------------------------------------
    def record(self, entry: dict) -> None:
        """A finished case's record (led by its ``nodeid``), from this process
        or, under pytest, from a report."""
        self.records.setdefault(entry["target"], []).append(entry)
        for sink in self.sinks:
            sink.record(entry)

    def record_broken(self, node: str, case_id: str, target: str, message: str) -> None:
        """A case an infrastructure error ended: no verdict; journaled, so a
        resumed run runs it again."""
        self.broken.append({"case": case_id, "target": target, "message": message})
        for sink in self.sinks:
            sink.record({"nodeid": node, "verdict": "infrastructure", "message": message[-2000:]})

    def broken_of(self, target: str) -> list[dict]:
        return [b for b in self.broken if b["target"] == target]

    def finish(self, interrupted: bool = False) -> list[str]:
        """Each sink's end (the files of the finished cases, however the run
        ended), and the lines they have to say."""
        lines: list[str] = []
        first_error = None
        for sink in self.sinks:
            try:
                lines += sink.finish(self, interrupted)
            except Exception as exc:   # one sink failing must not keep the others' files from disk
                first_error = first_error or exc
        if first_error is not None:
            raise first_error
        return lines

    def status(self) -> int:
        """2 when a case broke (a target could not come up or was lost), else
        1 when a case failed, crashed, timed out or ran slower than its
        baseline allows (as pytest fails them), else 0."""
        if self.broken:
            return 2
        return int(any(r["verdict"] in FAILING for records in self.records.values() for r in records))

