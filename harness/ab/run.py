"""The command line's A/B: side A's cases, then side B's, target by target.

Each side is a ``Runner`` (harness/suite/runner.py) with its own source
(``--vm-src`` of the side), without the targets' baselines, and with more
runs per case on targets whose cycles are measured. Side A runs every case
of a target first, then side B: a board is flashed once per side, not once
per case. As each case ends on B it is compared with A
(harness/ab/compare.py), A's blob run on B's VM where the blobs differ
(harness/ab/crossrun.py), and the comparison handed to B's sinks' recorder
(the case's Allure result).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

from ..errors import HarnessError
from ..options import Settings
from ..reports.sinks import ResultSink
from ..suite.runner import Runner
from ..targets import Target, load_target
from .compare import CaseAB, broken_observation, compare_case, observation, status
from .crossrun import compare, cross_run
from .firmware import FirmwareAB, FirmwareSide, measure_side

SIDES = ("A", "B")


@dataclass
class SideInfo:
    """What one side of an A/B built, as its run found it."""

    label: str
    spec: str             # the source as given
    origin: str = ""      # the source built
    digest: str = ""
    version: str = ""     # as the device announced it
    build: str = ""       # the firmware's build id
    error: str = ""       # why the side's target did not come up

    def describe(self) -> str:
        if self.error and not self.origin:
            return f"{self.spec}: {self.error}"
        built = [f"version {self.version}"] if self.version else []
        if self.origin and not self.origin.startswith(self.spec):
            built.append(self.origin)
        elif self.origin != self.spec:
            built.append(self.origin[len(self.spec):].strip(" ()"))
        built += [f"source {self.digest[:12]}"] + ([f"firmware {self.build}"] if self.build else [])
        return f"{self.spec} ({', '.join(b for b in built if b)})"


@dataclass
class TargetAB:
    target: Target
    sides: dict
    cases: list
    firmware: FirmwareAB | None
    tolerance: float
    repeats: int                                  # runs per case and side (1 on exact targets)
    not_run: dict = field(default_factory=dict)   # side -> why its cases did not run

    @property
    def exact(self) -> bool:
        return self.target.exact_cycles

    def status(self) -> int:
        firmware_worse = bool(self.firmware and self.firmware.worse)
        if self.not_run:
            return 1 if firmware_worse and list(self.not_run) == ["B"] else 2
        return status(self.cases, firmware_worse)


class _Collector(ResultSink):
    """A side's observations of each case, by case id."""

    def __init__(self):
        self.seen: dict[tuple[str, str], dict] = {}

    def case_finished(self, case, result, seconds: float) -> None:
        self.seen[(result.target, case.id)] = observation(result, getattr(case, "corpus", ""))

    def case_broken(self, case, target: str, error: BaseException, seconds: float) -> None:
        self.seen[(target, case.id)] = broken_observation(case.id, target, str(error))


class _Comparer(_Collector):
    """Side B's: each case compared with A's as it ends; A's blob run on B's
    VM where the blobs differ; the comparison recorded with the case."""

    def __init__(self, ab: "ABRun"):
        super().__init__()
        self.ab = ab
        self.compared: dict[tuple[str, str], CaseAB] = {}

    def case_finished(self, case, result, seconds: float) -> None:
        super().case_finished(case, result, seconds)
        key = (result.target, case.id)
        a = self.ab.collectors["A"].seen.get(key) or broken_observation(case.id, result.target, "not run on A")
        target = load_target(result.target)
        cross = cross_run(case, a, self.seen[key], self.ab.runners["A"], self.ab.runners["B"])
        ab = compare(a, self.seen[key], target, self.ab.tolerance_for(target), cross)
        self.compared[key] = ab
        if self.ab.on_compared is not None:
            self.ab.on_compared(ab, case)

    def case_broken(self, case, target: str, error: BaseException, seconds: float) -> None:
        super().case_broken(case, target, error, seconds)
        key = (target, case.id)
        a = self.ab.collectors["A"].seen.get(key) or broken_observation(case.id, target, "not run on A")
        self.compared[key] = compare_case(a, self.seen[key], False, 0.0)


class ABRun:
    """Two sources, ``a`` and ``b``, on the run's targets."""

    def __init__(self, settings: Settings, a: str, b: str, reports_dir: Path, *, tolerance: float | None = None,
                 repeats: int = 5, sinks_b: Sequence[ResultSink] = (),
                 on_compared: Callable[[CaseAB, object], None] | None = None,
                 say: Callable[[str], None] | None = None):
        self.specs = {"A": a, "B": b}
        self.tolerance = tolerance
        self.repeats = repeats
        self.on_compared = on_compared
        self.say = say or (lambda line: None)
        self.collectors = {"A": _Collector(), "B": _Comparer(self)}
        self.runners = {side: Runner(replace(settings, vm_src=self.specs[side]), reports_dir,
                                     [self.collectors[side], *(sinks_b if side == "B" else ())],
                                     baselines=False, timing_repeats=repeats) for side in SIDES}

    def tolerance_for(self, target: Target) -> float:
        return target.perf_tolerance if self.tolerance is None else self.tolerance

    def run_target(self, name: str, cases: list) -> TargetAB:
        target = load_target(name)
        sides = {side: SideInfo(side, self.specs[side]) for side in SIDES}
        firmware = FirmwareAB(target, *(self._firmware(side, target, sides[side]) for side in SIDES))
        repeats = self.runners["A"].repeats_for(target) or target.timing_repeats
        result = TargetAB(target, sides, [], firmware, self.tolerance_for(target), repeats)
        for side in SIDES:
            fit = getattr(firmware, side.lower()).problems
            if fit:
                result.not_run[side] = f"its firmware does not fit {name}: " + "; ".join(fit)
                self.say(f"{name} {side}: not run: {result.not_run[side]}")
                continue
            self.say(f"{name} {side}: {len(cases)} cases from {self.specs[side]}")
            runner = self.runners[side]
            try:
                runner.run_target(name, cases)
            finally:
                runner.release_boards()   # the board is the other side's next
            self._describe(side, runner, name, sides[side])
        compared = self.collectors["B"].compared
        result.cases = [compared[(name, c.id)] for c in cases if (name, c.id) in compared]
        return result

    def _firmware(self, side: str, target: Target, info: SideInfo):
        runner = self.runners[side]
        try:
            toolchain = runner.toolchains.for_target(target)
        except HarnessError as exc:
            info.error = exc.message
            return FirmwareSide(note=f"no toolchain: {exc.message}")
        info.origin, info.digest = toolchain.source.origin, toolchain.source.digest
        key = runner.settings.signing_key
        return measure_side(target, toolchain, {"SIGNING_KEY_FILE": key} if key else None)

    @staticmethod
    def _describe(side: str, runner: Runner, name: str, info: SideInfo) -> None:
        run = runner.runs.get(name)
        if run is not None and run.session.device is not None and run.session.device.info is not None:
            info.version = run.session.info.get("version") or ""
            info.build = run.session.info.build_id or ""
        elif name in runner.failures:
            info.error = runner.failures[name].message

    def close(self) -> None:
        for runner in self.runners.values():
            runner.close()
