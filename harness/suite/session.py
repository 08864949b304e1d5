"""Running cases on a target: build what it needs, bring it up, judge each case.

``TargetSession`` owns one target (its firmware and live device);
``SuiteRun`` pairs a target with its host reference and the oracle, and turns
a case into a ``CaseResult``. Both work without pytest.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from ..boardsources.inventory import Board
from ..build import BuildResult
from ..device.device import Device, Execution
from ..errors import BuildError, ConfigError, HarnessError
from ..footprint import Footprint, measure
from ..options import read_signing_key
from ..reports.baseline import Baseline
from ..targets import Target, load_target
from ..transports.mailbox import transport_for
from ..vms.base import CompileError, VMProfile
from .calibration import calibrate
from .cases import Case, unmet_needs
from .corpus import CorpusCase, skip_guard
from .deviations import apply as apply_deviation
from .oracle import Expected, Oracle
from .recorder import NULL_RECORDER, Recorder
from .timelimits import Limit, TimeLimits, run_seconds, same_end
from .toolchain import Toolchain
from .verdict import (
    SCRIPT_SKIP_OUTPUT,
    SCRIPT_TOO_LARGE_OUTPUT,
    CaseResult,
    Verdict,
    apply_baseline,
    device_observable,
    judge,
)


def check_footprint(target: Target, firmware: BuildResult, profile: VMProfile) -> Footprint | None:
    """The firmware's footprint; a BuildError with the figures if it does not
    fit. None for a runner that is no ELF file (a script) on a target
    without a memory budget."""
    if not target.memory and firmware.product.read_bytes()[:4] != b"\x7fELF":
        return None
    footprint = measure(firmware.product)
    problems = footprint.check(target.name, target.memory)
    if problems:
        raise BuildError(f"{target.name}: the firmware does not fit: " + "; ".join(problems),
                         profile.config_hint(target))
    return footprint


class TargetSession:
    """One target: its firmware, built on demand (or given), and its live device."""

    def __init__(self, target: Target, toolchain: Toolchain, log_dir: Path, board: Board | None = None,
                 signing_key_file: str | None = None, push: str | None = None):
        self.target = target
        self.signing_key_file = signing_key_file
        self.push = push  # uart or swd: how blobs reach the device (None: as the target file says)
        self.toolchain = toolchain
        self.log_dir = log_dir
        self.board = board
        self.firmware: BuildResult | None = None
        self.footprint: Footprint | None = None
        self.device: Device | None = None
        # How the target came up (build, flash), for reports: each case shows it.
        self.bring_up: list[dict] = []

    def start(self) -> "TargetSession":
        tc = self.toolchain
        options = {**self.target.launcher_options, **(self.board.options if self.board else {})}
        if self.target.firmware == "user":
            firmware = self._user_firmware(options)
            self.bring_up.append({"step": "build", "title": f"firmware for {self.target.name}: yours, {firmware}",
                                  "seconds": 0.0, "at": time.time()})
        else:
            keyed = {"SIGNING_KEY_FILE": self.signing_key_file} if self.signing_key_file else None
            self.firmware = tc.profile.build_firmware(self.target, tc.source, tc.cache, make_overrides=keyed)
            self.footprint = check_footprint(self.target, self.firmware, tc.profile)
            firmware = self.firmware.product
            options["build_id"] = self.firmware.build_id
            self.bring_up.append({
                "step": "build", "seconds": self.firmware.seconds, "at": time.time(),
                "title": f"build firmware for {self.target.name} ({'built' if self.firmware.ran_make else 'cached'})",
                "details": {"build id": self.firmware.build_id,
                            "footprint": self.footprint.describe(self.target.memory) if self.footprint else "none"}})
        transport_options = {"signing_key": read_signing_key(self.signing_key_file)} if self.signing_key_file else {}
        pushed = replace(self.target, transport=transport_for(self.target.transport, self.push))
        self.device = Device(pushed, firmware, self.log_dir, options, transport_options=transport_options)
        started = time.monotonic()
        self.device.activate()
        where = f" on board {self.board.name}" if self.board else ""
        self.bring_up.append({"step": "flash", "seconds": time.monotonic() - started, "at": time.time(),
                              "title": f"bring up {self.target.name}{where} ({self.target.launcher})",
                              "details": {"device": str(self.device.info)}})
        return self

    def _user_firmware(self, options: dict) -> Path:
        if not options.get("firmware"):
            hint = f"get {self.target.firmware_hint}, and pass" if self.target.firmware_hint else "pass"
            raise ConfigError(f"{self.target.name} runs firmware you provide, and none was given",
                              f"{hint} --firmware PATH, or set firmware in the board's inventory entry")
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
                 baseline_dir: Path | None = None, push: str | None = None, timing_repeats: int | None = None,
                 deviations: dict | None = None):
        self.target = load_target(target_name)
        self.deviations = deviations or {}   # case id -> Deviation, of this target's VM and pin
        if timing_repeats:   # over the target's own (an A/B's measured targets)
            self.target = replace(self.target, timing_repeats=timing_repeats)
        self.toolchain = toolchain or Toolchain.prepare(self.target.vm, cache, vm_src, self.target.pin,
                                                        self.target)
        self.log_dir = log_dir or self.toolchain.cache / "logs"
        self.timeout = timeout
        self.oracle = Oracle(self.toolchain.cache)
        self.session = TargetSession(self.target, self.toolchain, self.log_dir, board, signing_key_file, push)
        self.baseline = Baseline(self.target, baseline_dir, self.toolchain.source) if compare_baseline else None
        self.reference: TargetSession | None = None
        self.limits: TimeLimits | None = None
        self.calibrated = False
        if self.target.reference:
            # The host reference is keyed alike, so it runs the same signed blobs.
            self.reference = TargetSession(load_target(self.target.reference), self.toolchain, self.log_dir,
                                           signing_key_file=signing_key_file)
            self.limits = TimeLimits(self.target.name, self.target.reference, self.target.timeout,
                                     self.target.timeout_floor, self.toolchain.cache, self.target.link_rate)

    def start(self) -> "SuiteRun":
        self.session.start()
        if self.reference:
            try:
                self.reference.start()
            except BaseException:
                # Nobody holds a SuiteRun that failed to start: its target,
                # a QEMU or a board, is stopped here.
                self.session.stop()
                raise
        return self

    def stop(self) -> None:
        if self.limits:
            self.limits.save()
        for s in (self.session, self.reference):
            if s:
                s.stop()

    def __enter__(self) -> "SuiteRun":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def skip_reason(self, case: Case) -> str:
        info = self.session.info
        reason = unmet_needs(case, info.features, info.heap)
        if not reason and isinstance(case, CorpusCase):
            # What the corpus's own runner knows a script needs, by its conventions.
            reason = self.toolchain.profile.script_needs(case.id, info)
        return reason

    def case_timeout(self, case: Case) -> float:
        return case.timeout or self.timeout or self.target.timeout

    def _calibrate_once(self) -> None:
        """Before the first case whose limits are derived: the ratio, measured
        when the cache has none yet (calibration.py)."""
        if self.calibrated:
            return
        self.calibrated = True
        if self.limits.low_ratio() is None:
            said = calibrate(self.limits, lambda source: self.toolchain.compile(self.target, source.encode(),
                                                                                  "calibration.py"),
                             self.reference, self.session)
            if said:
                print(f"bytecode-hil: {said}", file=sys.stderr)

    def _run_both(self, case: Case, blob: bytes, recorder: Recorder) -> tuple:
        """The case's runs on the target and on its host reference, with the
        target's time limit: derived from the reference's run first when
        nobody gave one (timelimits.py), else the given or fixed one, the
        target first. (run, samples, reference run, its samples, limit)"""
        given = case.timeout or self.timeout
        device_title = f"push and run on {self.target.name}"
        ref_title = f"run on the host reference {self.target.reference}"
        if self.reference is None or given:
            limit = Limit(self.case_timeout(case), "fixed", "given" if given else "the target's")
            run, samples = _recorded_runs(recorder, device_title, self.session, blob, limit.seconds, "device output")
            ref_run, ref_samples = (None, [])
            # A case that timed out on the target is a timeout whatever its
            # reference does: it costs the target's time limit, not twice that.
            if self.reference and run.kind != "timeout":
                ref_run, ref_samples = _recorded_runs(recorder, ref_title, self.reference, blob, limit.seconds,
                                                      "host output")
        else:
            self._calibrate_once()
            mirror_limit = self.limits.for_mirror()
            ref_run, ref_samples = _recorded_runs(recorder, ref_title, self.reference, blob, mirror_limit.seconds,
                                                  "host output")
            if ref_run.kind == "completed":
                printed = len(ref_run.record.output) + len(ref_run.record.trace.encode())
                limit = self.limits.for_device(run_seconds(ref_run.record), mirror_limit, printed)
            elif ref_run.kind == "timeout":
                limit = self.limits.for_device(None, mirror_limit)
            else:  # crashed or refused on the host: its time says nothing
                limit = Limit(self.target.timeout, "fixed", f"its host reference {self.target.reference} "
                                                            f"did not complete ({ref_run.kind})")
            run, samples = _recorded_runs(recorder, device_title, self.session, blob, limit.seconds, "device output")
        if (self.limits and run.kind == "completed" and ref_run is not None and ref_run.kind == "completed"
                and same_end(ref_run.record, run.record)):
            self.limits.observe(run_seconds(ref_run.record), run_seconds(run.record))
        return run, samples, ref_run, ref_samples, limit

    def run_case(self, case: Case, recorder: Recorder = NULL_RECORDER) -> CaseResult:
        """Run one case and judge it; ``recorder`` sees its steps and evidence.
        A known deviation of the VM's turns its fail into xfail (deviations.py)."""
        result = self._run_case(case, recorder)
        if not isinstance(case, CorpusCase):
            result = apply_deviation(result, self.deviations.get(case.id))
        return result

    def _run_case(self, case: Case, recorder: Recorder) -> CaseResult:
        started = time.monotonic()
        reason = self.skip_reason(case)
        if reason:
            kind = "target-lacks" if reason.startswith("target lacks") else "too-large"
            return CaseResult(case.id, self.target.name, Verdict.SKIP, message=reason, kind=kind)
        program = case.program(self.target.perf_scale, self.session.info.heap)
        recorder.attach("source", program.decode("utf-8", "replace"))
        corpus = isinstance(case, CorpusCase)
        profile, compiler = self.toolchain.profile, self.toolchain.profile.compiler_name
        with recorder.step(f"compile with {compiler}") as step:
            try:
                program_blob = blob = self.toolchain.compile(self.target, program, case.filename)
            except CompileError as exc:
                needs = profile.compile_needs(str(exc), self.session.info)
                if needs:
                    return CaseResult(case.id, self.target.name, Verdict.SKIP, kind="target-lacks",
                                      message=f"target lacks {needs}")
                step.fail(str(exc))
                return CaseResult(case.id, self.target.name, Verdict.FAIL, kind="compile-error",
                                  message=f"{compiler} rejected the case:\n{exc}")
            if corpus and case.helpers:
                blob = self._with_helpers(case, program)
                if isinstance(blob, CaseResult):
                    step.fail(blob.message)
                    return blob
                step.parameters["helper modules"] = len(case.helpers)
            step.parameters["blob bytes"] = len(blob)
            problem = profile.check_blob(blob, self.session.info)
            if problem:
                step.fail(problem)
                return CaseResult(case.id, self.target.name, Verdict.FAIL,
                                  message=f"the blob does not suit {self.target.name}: {problem}")
        if recorder.wants_attachments:
            recorder.attach("blob disassembly", self.toolchain.profile.disassemble(program_blob, self.toolchain.source,
                                                                                    self.toolchain.cache))
        run, samples, ref_run, ref_samples, limit = self._run_both(case, blob, recorder)
        with recorder.step("expected output") as step:
            # CPython is asked only when there is an output to compare: a case
            # that hangs on the target may hang CPython too.
            if run.kind != "completed":
                expected = Expected()
                step.parameters["oracle"] = "none: the run did not complete"
            elif corpus and run.record.output in (SCRIPT_SKIP_OUTPUT.encode(), SCRIPT_TOO_LARGE_OUTPUT.encode()):
                expected = Expected()
                step.parameters["oracle"] = "none: the script skipped itself"
            elif case.perf_unit:
                # A benchmark checks its own answer: anything but "ok" is wrong,
                # whatever CPython would print for the same wrong program.
                expected = Expected(BENCHMARK_OUTPUT, "benchmark")
            else:
                expected = self.oracle.expected(case, program)
            if expected.origin:
                step.parameters["oracle"] = expected.origin
                recorder.attach("expected output", expected.text)
        with recorder.step("compare") as step:
            result = self._judge(case, blob, expected, run, samples, ref_run, ref_samples, started)
            result.figures["time_limit"] = limit.record()
            if result.verdict is Verdict.TIMEOUT and limit.rule != "fixed":
                result.message += f"; its limit, {limit.seconds:.2f} s, was derived: {limit.why}"
            if result.verdict not in (Verdict.PASS, Verdict.SKIP, Verdict.XFAIL):
                step.fail(result.summary())
            step.parameters["verdict"] = result.verdict.value
        if result.diff:
            recorder.attach("diff", result.diff, "diff")
        recorder.attach("timing record", json.dumps({"figures": result.figures, "reference": result.reference},
                                                    indent=2, sort_keys=True), "json")
        return result

    def _judge(self, case: Case, blob: bytes, expected: Expected, run: Execution, samples: list[int],
               ref_run: Execution | None, ref_samples: list[int], started: float) -> CaseResult:
        corpus = isinstance(case, CorpusCase)
        extra = {}
        if corpus:
            source = case.source.decode("utf-8", "replace")
            guard = skip_guard(source)
            info, profile = self.session.info, self.toolchain.profile
            extra = {"corpus": True,
                     "script_skip": f"it printed SKIP on {self.target.name}" + (f" (its test: {guard})" if guard else ""),
                     "lacks": lambda error: profile.missing_feature(error, info, source)}
            if self.reference:
                ref_info = self.reference.info
                extra["reference_lacks"] = lambda error: profile.missing_feature(error, ref_info, source)
        result = judge(case, self.target.name, self.session.info.heap, expected, run, ref_run,
                       self.reference.target.name if self.reference else "", profile=self.toolchain.profile, **extra)
        result.figures["blob_bytes"] = len(blob)
        result.figures["blob_sha256"] = hashlib.sha256(blob).hexdigest()[:16]
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

    def _with_helpers(self, case: CorpusCase, program: bytes) -> "bytes | CaseResult":
        """The program with the helper modules it imports, as one blob, or
        the verdict when they cannot go with it."""
        names = ", ".join(path for path, _ in case.helpers)
        capacity = self.toolchain.profile.modules_capacity(self.session.info)
        if capacity < len(case.helpers):
            why = (f"at most {capacity} helper modules" if capacity else
                   "no import of helper modules (its INFO announces no 'modules')")
            return CaseResult(case.id, self.target.name, Verdict.SKIP, kind="target-lacks",
                              message=f"target lacks the import of {len(case.helpers)} helper modules ({names}): "
                                      f"{self.target.name}'s firmware takes {why}")
        modules = [(path, Path(source).read_bytes()) for path, source in case.helpers]
        try:
            return self.toolchain.compile(self.target, program, case.filename, modules)
        except CompileError as exc:
            needs = self.toolchain.profile.compile_needs(str(exc), self.session.info)
            if needs:
                return CaseResult(case.id, self.target.name, Verdict.SKIP, kind="target-lacks",
                                  message=f"unsupported on {self.target.name}: its helper module {exc.module} "
                                          f"needs {needs}")
            return CaseResult(case.id, self.target.name, Verdict.FAIL, kind="compile-error",
                              message=f"{self.toolchain.profile.compiler_name} rejected its helper module "
                                      f"{exc.module}:\n{exc}")


BENCHMARK_OUTPUT = "perf ok\n"


def _recorded_runs(recorder: Recorder, title: str, session: TargetSession, blob: bytes, timeout: float,
                   output_name: str) -> tuple[Execution, list[int]]:
    with recorder.step(title) as step:
        run, samples = timed_runs(session, blob, timeout)
        step.parameters["runs"] = len(samples) or 1
        record = run.record
        if record is not None:
            # The push (frames, resent ones) and the run (cycles on the target's clock).
            step.parameters.update({"blob bytes pushed": len(blob), "frames sent again": record.retries,
                                    "load cycles": record.load_cycles, "run cycles, first run": record.run_cycles,
                                    "status": record.status})
        if run.link_events:
            step.parameters["link trouble survived"] = "; ".join(str(e) for e in run.link_events)
        if run.kind != "completed":
            step.fail(f"{run.kind}: {run.detail}")
    trace = run.record.trace if run.record else ""
    recorder.attach(output_name, device_observable(run, session.toolchain.profile)
                    + (f"\n--- traceback ---\n{trace}" if trace else ""))
    return run, samples


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
    if len(samples) > 1:
        figures["timing_range"] = [min(samples), max(samples)]


__all__ = ["SuiteRun", "TargetSession", "Toolchain", "HarnessError"]
