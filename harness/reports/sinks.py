"""Result sinks: what the runner (harness/suite/runner.py) tells as a run goes.

Every report is a sink. A sink overrides what it needs of:

- ``record(entry)``: a case finished (its result record, led by the
  ``nodeid`` of its pytest item), or broke (``verdict: infrastructure``).
  Every front end feeds it: under pytest from the reports, so it works under
  pytest-xdist too.
- ``case_started(case, target, run)``, ``case_finished(case, result,
  seconds)``, ``case_broken(case, target, error, seconds)``,
  ``case_interrupted()``: a case as it runs in this process (the command
  line's Allure results and JUnit XML, its console); ``case_started`` may
  return a ``Recorder`` for the case's steps.
- ``finish(runner, interrupted)``: the run is over (or stopped); lines to print.

A new report format is one more sink, given to the runner by the front ends.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Callable

from ..targets import load_target
from .journal import Journal
from .matrix import INFRASTRUCTURE, build, vm_disagreements, vm_of, write_matrix
from .summary import finish_target, results_path


class ResultSink:
    def record(self, entry: dict) -> None:
        pass

    def case_started(self, case, target: str, run):
        return None

    def case_finished(self, case, result, seconds: float) -> None:
        pass

    def case_broken(self, case, target: str, error: BaseException, seconds: float) -> None:
        pass

    def case_interrupted(self) -> None:
        pass

    def finish(self, runner, interrupted: bool) -> list[str]:
        return []


class JournalSink(ResultSink):
    """Each finished case fsync'ed to the journal before the next starts
    (harness/reports/journal.py); the run's counts once it completes."""

    def __init__(self, journal: Journal, resume: bool, details: dict):
        self.journal = journal
        self.resume = resume
        self.details = details
        self.started = False
        self.counts: Counter = Counter()

    def record(self, entry: dict) -> None:
        if not self.started:   # a run without cases leaves the journal alone
            self.journal.start(self.resume, self.details)
            self.started = True
        self.journal.record(entry)

    def finish(self, runner, interrupted: bool) -> list[str]:
        if self.started and not interrupted:
            self.journal.finish(dict(Counter(r["verdict"] for rs in runner.records.values() for r in rs)))
        return []


class ResultsSink(ResultSink):
    """Per target, once the run is over: its summary lines, its timing
    report, its results file (harness/reports/summary.py), the baseline
    update when asked, and a word on a target that did not run or broke;
    without ``files``, the lines alone."""

    def __init__(self, reports_dir: Path, results_file: str | None, update_baseline: bool,
                 baseline_dir: str | None, cache: Path, quiet_targets: bool = False, files: bool = True):
        self.files = files            # False (--no-reports): the summary only
        self.reports_dir = reports_dir
        self.results_file = results_file
        self.update_baseline = update_baseline
        self.baseline_dir = baseline_dir
        self.cache = cache
        # pytest says itself which targets broke: its errors name them.
        self.quiet_targets = quiet_targets

    def finish(self, runner, interrupted: bool) -> list[str]:
        lines = []
        several = len(runner.targets) > 1
        for target in runner.targets:
            records, broken = runner.records[target], runner.broken_of(target)
            if not records:
                if not self.quiet_targets:
                    lines.append(self._without_verdicts(runner, target, broken))
                continue
            run = runner.runs.get(target)
            lines += finish_target(target, records, reports_dir=self.reports_dir, cache=self.cache,
                                   results_file=results_path(self.reports_dir, target, self.results_file, several),
                                   run=run, seconds=runner.seconds.get(target), files=self.files,
                                   baseline=self._baseline(runner, target, records, run)
                                   if self.update_baseline and self.files
                                   else None)
            if broken:
                lines.append(f"  {len(broken)} case{'' if len(broken) == 1 else 's'} without a verdict, the target "
                             f"lost or down: {broken[-1]['message'].splitlines()[0]}")
        if interrupted and runner.planned:
            ran = sum(len(records) for records in runner.records.values()) + len(runner.broken)
            lines.append(f"interrupted: {runner.planned - ran} of {runner.planned} case runs never ran "
                         "(--resume goes on from the journal)")
        return lines

    @staticmethod
    def _without_verdicts(runner, target: str, broken: list[dict]) -> str:
        if target not in runner.seconds:
            return f"{target}: not run: the run stopped before it"
        if broken and target in runner.failures:
            return f"{target}: never came up, its {len(broken)} cases broken: {runner.failures[target].message}"
        if broken:
            return f"{target}: no case finished: {broken[-1]['message'].splitlines()[0]}"
        return f"{target}: no case finished"

    def _baseline(self, runner, target: str, records: list[dict], run) -> Callable[[], str]:
        def update() -> str:
            from .baseline import Baseline

            spec = load_target(target)
            baseline = Baseline(spec, self.baseline_dir, runner.toolchains.source_of(spec))
            details = {"firmware_build": run.session.info.build_id} if run else {}
            ours = [r for r in records if not r.get("corpus")]   # corpus scripts keep no baseline
            return f"{baseline.update(ours, details)} cases written to {baseline.path}"
        return update


class MatrixSink(ResultSink):
    """The differential matrix of a run on several targets (harness/reports/matrix.py);
    ``attach`` hands its files to the Allure results."""

    def __init__(self, reports_dir: Path, attach: Callable[[list[Path]], None] | None = None):
        self.reports_dir = reports_dir
        self.attach = attach

    def finish(self, runner, interrupted: bool) -> list[str]:
        entries = [{"case": b["case"], "target": b["target"], "verdict": INFRASTRUCTURE} for b in runner.broken]
        entries += [r for t in runner.targets for r in runner.records[t]]
        if len(runner.targets) < 2 or not entries:
            return []
        files = write_matrix(entries, runner.targets, self.reports_dir)
        if self.attach is not None:
            self.attach(files)
        lines = [f"differential matrix: {path}" for path in files]
        vms = vm_of(runner.targets)
        if len(set(vms.values())) > 1:
            found = vm_disagreements(build(entries, runner.targets), runner.targets, vms)
            lines.append(f"the VMs disagree on {len(found)} cases (one passes, the other fails): "
                         + ", ".join(sorted(found)[:10]) + (", ..." if len(found) > 10 else "")
                         + " (the matrix lists them)")
        return lines


class ConsoleSink(ResultSink):
    """The command line's account as cases end: every verdict but a pass
    (all with ``verbose``) with its diff, and each error once."""

    def __init__(self, verbose: bool = False, out=None, err=None):
        self.verbose = verbose
        self.out = out
        self.err = err
        self.said: set[str] = set()

    def case_finished(self, case, result, seconds: float) -> None:
        from ..suite.verdict import Verdict

        if result.verdict is not Verdict.PASS or self.verbose:
            out = self.out or sys.stdout
            print(result.summary(), file=out)
            if result.diff:
                print(result.diff.rstrip("\n"), file=out)

    def case_broken(self, case, target: str, error: BaseException, seconds: float) -> None:
        text = str(error)
        if text not in self.said:
            self.said.add(text)
            print(f"bytecode-hil: error: {text}", file=self.err or sys.stderr)
