"""Running cases on a target: build what it needs, bring it up, judge each case.

``TargetSession`` owns one target (its firmware and live device);
``SuiteRun`` pairs a target with its host reference and the oracle, and turns
a case into a ``CaseResult``. Both work without pytest.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from .baseline import Baseline
from .build import BuildResult
from .cases import Case, unmet_needs
from .corpus import CorpusCase, skip_guard
from .device import Device, Execution
from .errors import BuildError, ConfigError, HarnessError
from .footprint import Footprint, measure
from .inventory import Board
from .oracle import Expected, Oracle
from .paths import cache_dir
from .registry import vm_profiles
from .targets import Target, load_target
from .verdict import SCRIPT_SKIP_OUTPUT, SCRIPT_TOO_LARGE_OUTPUT, CaseResult, Verdict, apply_baseline, judge
from .vms.micropython import CompileError


@dataclass
class Toolchain:
    """The VM source and compiler shared by every target of a run."""

    cache: Path
    profile: object
    source: object
    compiler: object
    compiler_build: BuildResult

    @classmethod
    def prepare(cls, vm: str = "micropython", cache: Path | None = None, vm_src: str | None = None) -> "Toolchain":
        cache = cache or cache_dir()
        profile = vm_profiles.get(vm)()
        source = profile.source(cache, vm_src)
        compiler, result = profile.build_compiler(source, cache)
        return cls(cache, profile, source, compiler, result)


def check_footprint(target: Target, firmware: BuildResult) -> Footprint:
    """The firmware's footprint; a BuildError with the figures if it does not fit."""
    footprint = measure(firmware.product)
    problems = footprint.check(target.name, target.memory)
    if problems:
        raise BuildError(f"{target.name}: the firmware does not fit: " + "; ".join(problems),
                         f"trim the configuration in targets/micropython/configs/{target.config}.h")
    return footprint


def read_signing_key(path: str) -> bytes:
    """The blob-signing key's bytes; errors name the file, never its content."""
    try:
        key = Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the signing key file {path}: {exc.strerror}") from None
    if len(key) < 16:
        raise ConfigError(f"the signing key in {path} is {len(key)} bytes; use at least 16 random bytes",
                          f"e.g. head -c 32 /dev/urandom > {path}")
    return key


class TargetSession:
    """One target: its firmware, built on demand (or given), and its live device."""

    def __init__(self, target: Target, toolchain: Toolchain, log_dir: Path, board: Board | None = None,
                 signing_key_file: str | None = None):
        self.target = target
        self.signing_key_file = signing_key_file
        self.toolchain = toolchain
        self.log_dir = log_dir
        self.board = board
        self.firmware: BuildResult | None = None
        self.footprint: Footprint | None = None
        self.device: Device | None = None

    def start(self) -> "TargetSession":
        tc = self.toolchain
        options = {**self.target.launcher_options, **(self.board.options if self.board else {})}
        if self.target.firmware == "user":
            firmware = self._user_firmware(options)
        else:
            keyed = {"SIGNING_KEY_FILE": self.signing_key_file} if self.signing_key_file else None
            self.firmware = tc.profile.build_firmware(self.target, tc.source, tc.cache, make_overrides=keyed)
            self.footprint = check_footprint(self.target, self.firmware)
            firmware = self.firmware.product
            options["build_id"] = self.firmware.build_id
        transport_options = {"signing_key": read_signing_key(self.signing_key_file)} if self.signing_key_file else {}
        self.device = Device(self.target, firmware, self.log_dir, options, transport_options=transport_options)
        self.device.activate()
        return self

    def _user_firmware(self, options: dict) -> Path:
        if not options.get("firmware"):
            raise ConfigError(f"{self.target.name} runs firmware you provide, and none was given",
                              "pass --firmware PATH, or set firmware in the board's inventory entry")
        path = Path(options["firmware"]).expanduser()
        if not path.is_file():
            raise ConfigError(f"firmware {path} does not exist")
        return path

    def stop(self) -> None:
        if self.device:
            self.device.deactivate()

    @property
    def info(self):
        return self.device.info

    def execute(self, blob: bytes, timeout: float) -> Execution:
        return self.device.execute(blob, timeout)


class SuiteRun:
    """Runs cases on one target and, where it has one, on its host reference."""

    def __init__(self, target_name: str, *, cache: Path | None = None, vm_src: str | None = None,
                 log_dir: Path | None = None, timeout: float | None = None, toolchain: Toolchain | None = None,
                 board: Board | None = None, signing_key_file: str | None = None, compare_baseline: bool = True,
                 baseline_dir: Path | None = None):
        self.target = load_target(target_name)
        self.toolchain = toolchain or Toolchain.prepare(self.target.vm, cache, vm_src)
        self.log_dir = log_dir or self.toolchain.cache / "logs"
        self.timeout = timeout
        self.oracle = Oracle(self.toolchain.cache)
        self.session = TargetSession(self.target, self.toolchain, self.log_dir, board, signing_key_file)
        self.baseline = Baseline(self.target, baseline_dir) if compare_baseline else None
        self.reference: TargetSession | None = None
        if self.target.reference:
            # The host reference is keyed alike, so it runs the same signed blobs.
            self.reference = TargetSession(load_target(self.target.reference), self.toolchain, self.log_dir,
                                           signing_key_file=signing_key_file)

    def start(self) -> "SuiteRun":
        self.session.start()
        if self.reference:
            self.reference.start()
        return self

    def stop(self) -> None:
        for s in (self.session, self.reference):
            if s:
                s.stop()

    def __enter__(self) -> "SuiteRun":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def skip_reason(self, case: Case) -> str:
        info = self.session.info
        return unmet_needs(case, info.features, info.heap)

    def case_timeout(self, case: Case) -> float:
        return case.timeout or self.timeout or self.target.timeout

    def run_case(self, case: Case) -> CaseResult:
        started = time.monotonic()
        reason = self.skip_reason(case)
        if reason:
            kind = "target-lacks" if reason.startswith("target lacks") else "too-large"
            return CaseResult(case.id, self.target.name, Verdict.SKIP, message=reason, kind=kind)
        program = case.program(self.target.perf_scale, self.session.info.heap)
        try:
            blob = self.toolchain.compiler.compile(program, case.filename)
        except CompileError as exc:
            needs = self.toolchain.profile.compile_needs(str(exc), self.session.info)
            if needs:
                return CaseResult(case.id, self.target.name, Verdict.SKIP, kind="target-lacks",
                                  message=f"unsupported on {self.target.name}: needs {needs}")
            return CaseResult(case.id, self.target.name, Verdict.FAIL, message=f"mpy-cross rejected the case:\n{exc}",
                              kind="compile-error")
        corpus = isinstance(case, CorpusCase)
        if corpus and case.helpers:
            blob = self._bundle(case, blob)
            if isinstance(blob, CaseResult):
                return blob
        problem = self.toolchain.profile.check_blob(blob, self.session.info)
        if problem:
            return CaseResult(case.id, self.target.name, Verdict.FAIL,
                              message=f"the blob does not suit {self.target.name}: {problem}")
        timeout = self.case_timeout(case)
        run, samples = timed_runs(self.session, blob, timeout)
        ref_run, ref_samples = timed_runs(self.reference, blob, timeout) if self.reference else (None, [])
        # CPython is asked only when there is an output to compare: a case
        # that hangs on the target may hang CPython too.
        if run.kind != "completed":
            expected = Expected()
        elif corpus and run.record.output in (SCRIPT_SKIP_OUTPUT.encode(), SCRIPT_TOO_LARGE_OUTPUT.encode()):
            expected = Expected()  # the script skipped itself: nothing to compare
        elif case.perf_unit:
            # A benchmark checks its own answer: anything but "ok" is wrong,
            # whatever CPython would print for the same wrong program.
            expected = Expected(BENCHMARK_OUTPUT, "benchmark")
        else:
            expected = self.oracle.expected(case, program)
        extra = {}
        if corpus:
            source = case.source.decode("utf-8", "replace")
            guard = skip_guard(source)
            info = self.session.info
            extra = {"corpus": True, "script_skip": f"it printed SKIP on {self.target.name}" + (f" (its test: {guard})" if guard else ""),
                     "lacks": lambda error: self.toolchain.profile.missing_feature(error, info, source)}
        result = judge(case, self.target.name, self.session.info.heap, expected, run, ref_run,
                       self.reference.target.name if self.reference else "", **extra)
        result.figures["blob_bytes"] = len(blob)
        result.figures["case_seconds"] = time.monotonic() - started
        add_timing(result.figures, samples)
        add_timing(result.reference, ref_samples)
        if result.figures.get("run_seconds") and result.reference.get("run_seconds"):
            result.figures["device_host_ratio"] = result.figures["run_seconds"] / result.reference["run_seconds"]
        if case.perf_unit and result.figures.get("run_seconds"):
            result.figures["perf"] = {"unit": case.perf_unit, "scale": self.target.perf_scale,
                                      "score": self.target.perf_scale / result.figures["run_seconds"]}
        # Baselines are kept for our own cases: a corpus's script ids are
        # another folder's names and could collide with them.
        if samples and self.baseline is not None and not corpus:
            apply_baseline(result, self.baseline.compare(case.id, result.figures["run_cycles"], case.perf_tolerance))
        return result


    def _bundle(self, case: CorpusCase, program: bytes) -> "bytes | CaseResult":
        """The program with the helper modules it imports, or the verdict
        when they cannot go with it."""
        names = ", ".join(path for path, _ in case.helpers)
        capacity = self.toolchain.profile.modules_capacity(self.session.info)
        if capacity < len(case.helpers):
            why = (f"at most {capacity} helper modules" if capacity else
                   "no import of helper modules (its INFO announces no 'modules')")
            return CaseResult(case.id, self.target.name, Verdict.SKIP, kind="target-lacks",
                              message=f"needs helper modules {names}; {self.target.name}'s firmware takes {why}")
        modules = []
        for device_path, source in case.helpers:
            name = Path(device_path).with_suffix(".py").as_posix()
            try:
                modules.append((device_path, self.toolchain.compiler.compile(Path(source).read_bytes(), name)))
            except CompileError as exc:
                return CaseResult(case.id, self.target.name, Verdict.FAIL, kind="compile-error",
                                  message=f"mpy-cross rejected its helper module {name}:\n{exc}")
        return self.toolchain.profile.bundle(program, modules)


BENCHMARK_OUTPUT = "perf ok\n"


def timed_runs(session: TargetSession, blob: bytes, timeout: float) -> tuple[Execution, list[int]]:
    """Run ``blob`` for its verdict, then again as the target's timing asks:
    a noisy host's figure is the median of several runs."""
    run = session.execute(blob, timeout)
    if run.kind != "completed" or run.record.status == "load-error":
        return run, []
    samples = [run.record.run_cycles]
    for _ in range(session.target.timing_repeats - 1):
        again = session.execute(blob, timeout)
        if again.kind == "completed":
            samples.append(again.record.run_cycles)
    return run, samples


def add_timing(figures: dict, samples: list[int]) -> None:
    """The median of the samples as the case's cycles, with their spread."""
    if not samples or "clock_hz" not in figures:
        return
    median = statistics.median(samples)
    figures["run_cycles"] = int(median)
    figures["run_seconds"] = median / figures["clock_hz"]
    figures["timing_runs"] = len(samples)
    figures["timing_spread"] = round((max(samples) - min(samples)) / median, 4) if median else 0.0


__all__ = ["SuiteRun", "TargetSession", "Toolchain", "HarnessError"]
