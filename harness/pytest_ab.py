"""pytest's A/B: ``--ab-against SOURCE`` runs each case on that source too (docs/ab.md).

The run's own source (``--vm-src``, else the pins) is side B, ``SOURCE``
side A. Each case item runs the case on A (a second ``Runner`` of the same
process, harness/suite/runner.py), then on B as any item does, and compares
the two (harness/ab/compare.py; A's blob on B's VM where the blobs differ).
An item whose verdict got worse than A's, or that got slower past the
tolerance, fails. Its two observations travel in the item's report to the
controller, which writes reports/ab-<target>.{md,csv,svg} at the end,
attaches them to the Allure results, and prints the summary.

Both sides' targets are up at once, a case at a time: a board would be
flashed twice per case, so targets on boards are refused here; the command
line (``python -m harness ab``) runs side A's cases, then side B's.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from .ab.compare import BROKEN, CaseAB, broken_observation, observation
from .ab.crossrun import compare, cross_run
from .ab.firmware import FirmwareAB, FirmwareSide, measure_side
from .ab.run import SideInfo, TargetAB
from .cli_ab import case_record, check_sides, describe
from .errors import ConfigError, HarnessError
from .reports import ab as ab_report
from .reports.sinks import ResultSink
from .suite.runner import Runner
from .targets import load_target


class ABWorse(AssertionError):
    """The case's verdict got worse on B than on A, or it got slower past the tolerance."""

    def __init__(self, ab: CaseAB, against: str):
        self.text = f"A/B against {against}: {ab.case} on {ab.b['target']}: {describe(ab)}"
        super().__init__(self.text.splitlines()[0])


class PytestAB:
    """One pytest process's A/B: side A's runner, and each case compared."""

    def __init__(self, settings, reports_dir: Path, board_index: int = 0):
        self.against, self.under_test = check_sides(settings, settings.ab_against, settings.vm_src or "pinned")
        boards = [t for t in settings.target if load_target(t).needs_board]
        if boards:
            raise ConfigError(f"--ab-against under pytest runs each case on both sources in turn: "
                              f"{', '.join(boards)} would have its board flashed twice per case",
                              "run an A/B on boards with python -m harness ab: side A's cases, then side B's")
        self.settings = settings
        self.runner_a = Runner(replace(settings, vm_src=self.against), reports_dir, board_index=board_index,
                               baselines=False, timing_repeats=settings.ab_repeats)

    def run_a(self, case, target: str) -> dict:
        """The case on side A, as an observation (broken when A's target failed)."""
        try:
            return observation(self.runner_a.run_case(case, target), getattr(case, "corpus", ""))
        except HarnessError as exc:
            return broken_observation(case.id, target, f"side A ({self.against}): {exc}")

    def compare(self, case, a: dict, result, runner_b) -> tuple[CaseAB, dict]:
        """B's ``result`` against A's observation ``a``; and what the controller needs to compare it again."""
        b = observation(result, getattr(case, "corpus", ""))
        target = load_target(result.target)
        cross = cross_run(case, a, b, self.runner_a, runner_b)
        tolerance = target.perf_tolerance if self.settings.ab_tolerance is None else self.settings.ab_tolerance
        sides = {"A": _device(self.runner_a, result.target), "B": _device(runner_b, result.target)}
        return compare(a, b, target, tolerance, cross), {"a": a, "b": b, "cross": cross, "sides": sides}

    def check(self, ab: CaseAB, recorder) -> None:
        """The comparison attached to the case's result; an ``ABWorse`` when B is worse."""
        recorder.attach(f"A/B: {self.against} -> {self.under_test}", json.dumps(case_record(ab), indent=1,
                                                                                sort_keys=True), "json")
        if ab.output_diff:
            recorder.attach("A/B output diff", ab.output_diff, "diff")
        if ab.worse:
            raise ABWorse(ab, self.against)
        if ab.a["verdict"] == BROKEN:
            raise HarnessError(ab.a["message"])

    def close(self) -> None:
        self.runner_a.close()


def _device(runner: Runner, target: str) -> dict:
    run = runner.runs.get(target)
    if run is None or run.session.device is None or run.session.device.info is None:
        return {}
    return {"version": run.session.info.get("version"), "build": run.session.info.build_id}


class ABReportSink(ResultSink):
    """The controller's: every item's comparison gathered from its report;
    at the end each target's A/B report, written and summarised."""

    def __init__(self, ab: PytestAB, runner_b: Runner, reports_dir: Path, files: bool, attach=None):
        self.ab = ab
        self.runner_b = runner_b
        self.reports_dir = reports_dir
        self.files = files
        self.attach = attach
        self.pairs: dict[str, list[dict]] = {}

    def add(self, pair: dict) -> None:
        self.pairs.setdefault(pair["b"]["target"], []).append(pair)

    def finish(self, runner, interrupted: bool) -> list[str]:
        lines = []
        for name in runner.targets:
            pairs = self.pairs.get(name)
            if not pairs:
                continue
            result = self.target_ab(name, pairs)
            files = ab_report.write(result, self.reports_dir) if self.files else []
            if files and self.attach is not None:
                self.attach(files, f"A/B on {name}")
            lines += ab_report.summary_lines(result, files)
        return lines

    def target_ab(self, name: str, pairs: list[dict]) -> TargetAB:
        target = load_target(name)
        settings = self.ab.settings
        tolerance = target.perf_tolerance if settings.ab_tolerance is None else settings.ab_tolerance
        cases = sorted((compare(p["a"], p["b"], target, tolerance, p["cross"]) for p in pairs), key=lambda c: c.case)
        sides, firmware = {}, []
        key = settings.signing_key
        for side, runner, spec in (("A", self.ab.runner_a, self.ab.against), ("B", self.runner_b, self.ab.under_test)):
            info = SideInfo(side, spec)
            seen = next((p["sides"][side] for p in pairs if p["sides"].get(side)), {})
            info.version, info.build = seen.get("version") or "", seen.get("build") or ""
            try:
                toolchain = runner.toolchains.for_target(target)
            except HarnessError as exc:
                info.error = exc.message
                firmware.append(FirmwareSide(note=f"no toolchain: {exc.message}"))
            else:
                info.origin, info.digest = toolchain.source.origin, toolchain.source.digest
                firmware.append(measure_side(target, toolchain, {"SIGNING_KEY_FILE": key} if key else None))
            sides[side] = info
        repeats = self.ab.runner_a.repeats_for(target) or target.timing_repeats
        return TargetAB(target, sides, cases, FirmwareAB(target, *firmware), tolerance, repeats)

