"""Verdicts: every case ends as exactly one of them."""

from __future__ import annotations

import difflib
import enum
from dataclasses import dataclass, field

from ..device.device import Execution
from .cases import Case
from .oracle import Expected, last_error_line, observable

RECURSION_LIMIT = "RuntimeError: maximum recursion depth exceeded"
# Errors by which a VM says its configuration leaves a feature out.
UNSUPPORTED_ERRORS = ("NotImplementedError", "ImportError")


class Verdict(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    VM_CRASH = "vm-crash"
    TIMEOUT = "timeout"
    SKIP = "skip"
    XFAIL = "xfail"
    PERF_REGRESSION = "perf-regression"


# Verdicts that fail a run (pytest fails their items; the command line exits 1).
FAILING = frozenset(v.value for v in (Verdict.FAIL, Verdict.VM_CRASH, Verdict.TIMEOUT, Verdict.PERF_REGRESSION))


@dataclass
class CaseResult:
    case_id: str
    target: str
    verdict: Verdict
    message: str = ""
    diff: str = ""
    actual: str = ""
    expected: str = ""
    figures: dict = field(default_factory=dict)  # cycles, heap, timings
    reference: dict = field(default_factory=dict)
    # Why a skip (or a failure) happened, as a word the summary counts:
    # too-large, too-deep, unsupported, no-reference, script-skip,
    # target-lacks, compile-error; '' for the rest.
    kind: str = ""

    def summary(self) -> str:
        text = f"{self.verdict.value}: {self.case_id} on {self.target}"
        return f"{text}: {self.message}" if self.message else text

    def explain(self, case_path) -> str:
        """A verdict other than pass, for a person: what, why, the diff or
        the output before the run ended, and the case's file."""
        lines = [f"{self.verdict.value.upper()}: {self.case_id} on {self.target}", self.message]
        if self.diff:
            lines += ["", self.diff.rstrip("\n")]
        if self.verdict is not Verdict.FAIL and self.actual:
            lines += ["", "output before it ended:", self.actual.rstrip("\n")]
        return "\n".join(lines + ["", f"case: {case_path}"])


def result_record(r: CaseResult, corpus: str = "") -> dict:
    """A result as a record: what the results files, the journal and the
    JUnit XML's ``hil_result`` property hold; ``corpus``, the root of the
    corpus the case is a script of."""
    record = {"case": r.case_id, "target": r.target, "verdict": r.verdict.value, "message": r.message,
              "figures": r.figures, "reference": r.reference}
    if r.kind:
        record["kind"] = r.kind
    if corpus:
        record["corpus"] = corpus
    return record


def apply_baseline(result: CaseResult, comparison) -> None:
    """A passing case slower than its baseline becomes a perf regression;
    against a baseline made from another VM source it is not judged, and
    says so."""
    result.figures["baseline"] = {"kind": comparison.kind, "baseline_cycles": comparison.baseline,
                                  "change": round(comparison.change, 4)}
    if comparison.made_from:
        result.figures["baseline"]["made_from"] = comparison.made_from
    if result.verdict is not Verdict.PASS:
        return
    if comparison.kind == "regression":
        result.verdict = Verdict.PERF_REGRESSION
        result.message = f"slower than its baseline: {comparison.describe()}"
    elif comparison.kind == "improvement":
        result.message = f"faster than its baseline: {comparison.describe()}"
    elif comparison.kind == "other-source" and comparison.value != comparison.baseline:
        result.message = f"not compared with its baseline: {comparison.describe()}"


def unified(expected: str, actual: str, from_name: str, to_name: str) -> str:
    return "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                        from_name, to_name, n=3))


def device_observable(execution: Execution, profile=None) -> str:
    """What a run shows, as a case's expected output is written: its output
    (read by the VM ``profile``'s conventions), then the last line of an
    uncaught error."""
    normalise = profile.normalise_output if profile else str
    record = execution.record
    if record is None:
        return normalise(execution.partial_output.decode("utf-8", "replace"))
    error = _error_line(record.trace, profile) if record.status in ("exception", "memory-error") else ""
    return observable(normalise(record.output.decode("utf-8", "replace")), error)


def _error_line(trace: str, profile=None) -> str:
    return profile.error_line(trace) if profile else last_error_line(trace)


def figures(execution: Execution) -> dict:
    """The figures of a run, and any link trouble it survived."""
    result = {"link_events": execution.link_events} if execution.link_events else {}
    r = execution.record
    if r is not None:
        result.update(status=r.status, run_cycles=r.run_cycles, load_cycles=r.load_cycles, clock_hz=r.clock_hz,
                      run_seconds=r.run_seconds, heap_used=r.heap_used, heap_peak=r.heap_peak,
                      stack_peak=r.stack_peak, wall_seconds=r.wall_seconds, retries=r.retries)
    return result


# What a corpus script prints, alone, to skip itself (MicroPython's tests).
SCRIPT_SKIP_OUTPUT = "SKIP\n"
SCRIPT_TOO_LARGE_OUTPUT = "SKIP-TOO-LARGE\n"


def judge(case: Case, target: str, heap: int, expected: Expected, run: Execution,
          reference: Execution | None = None, reference_name: str = "", *,
          corpus: bool = False, script_skip: str = "", lacks=None, reference_lacks=None,
          profile=None) -> CaseResult:
    """Decide a case's verdict from its run and, where the target has one, its host reference's run.

    For scripts of a ``corpus``: ``script_skip`` (the reason to show) makes
    a run whose whole output is SKIP a skip; ``lacks(error_line)`` says which
    feature the target lacks that an error shows the script needs ('' if none);
    ``reference_lacks(error_line)`` the same of the host reference, whose
    lack never turns the target's matching output into a failure.
    ``profile``, the VM's, reads its output and errors (harness/vms/base.py)."""
    actual = device_observable(run, profile)
    result = CaseResult(case.id, target, Verdict.PASS, actual=actual, expected=expected.text,
                        figures=figures(run))
    if reference is not None:
        result.reference = {"target": reference_name, **figures(reference)}

    def done(verdict: Verdict, message: str, diff: str = "", kind: str = "") -> CaseResult:
        if verdict is Verdict.FAIL and case.xfail:
            verdict, message = Verdict.XFAIL, f"{case.xfail} ({message})"
        result.verdict, result.message, result.diff, result.kind = verdict, message, diff, kind
        return result

    if run.kind == "timeout":
        return done(Verdict.TIMEOUT, f"no result within the time limit ({run.detail}); target restarted")
    if run.kind == "crashed":
        trace = run.record.trace if run.record else ""
        return done(Verdict.VM_CRASH, run.detail + (f"\n{trace}" if trace else ""))
    if run.kind == "rejected":
        if run.rejection in ("oversize", "no-memory"):
            return done(Verdict.SKIP, f"too large for target: the device refused the blob ({run.detail})",
                        kind="too-large")
        return done(Verdict.FAIL, f"the device refused the blob: {run.detail}")
    record = run.record
    error = _error_line(record.trace, profile)
    needs = lacks(error) if lacks and error else ""  # what the error shows the target lacks
    if record.status == "load-error":
        if needs:
            return done(Verdict.SKIP, needs, kind="target-lacks")
        return done(Verdict.FAIL, f"the VM's loader rejected the blob: {error}")
    if corpus and actual == SCRIPT_SKIP_OUTPUT:
        return done(Verdict.SKIP, f"skipped by the script: {script_skip}", kind="script-skip")
    if corpus and actual == SCRIPT_TOO_LARGE_OUTPUT:
        return done(Verdict.SKIP, f"too large for target: the script says so (printed SKIP-TOO-LARGE) "
                                  f"with a {heap}-byte heap", kind="too-large")
    if expected.missing:
        if record.status == "exception" and error and not needs \
                and not error.startswith(UNSUPPORTED_ERRORS):
            # No output to compare, but an uncaught error is the script
            # failing, as the VM's own test runner would say: not a skip.
            return done(Verdict.FAIL, f"it raised an uncaught error on {target}: {error} (no reference to compare "
                                      f"its output with: {expected.missing})")
        return done(Verdict.SKIP, f"no reference: {expected.missing}", kind="no-reference")
    if error == RECURSION_LIMIT and error not in expected.text:
        # Like running out of heap: the program is deeper than the target's
        # stack. Unlike the heap, the host mirror cannot model the stack
        # exactly (x86 frames are not Thumb frames, and the ratio differs by
        # code path), so the mirror's depth is no verdict here.
        peak = f" (stack peak {record.stack_peak} bytes)" if record.stack_peak else ""
        note = ""
        if reference is not None and reference.record and RECURSION_LIMIT not in reference.record.trace:
            note = f"; its host reference {reference_name} went deeper, its frames being another CPU's"
        return done(Verdict.SKIP, f"too deep for target: {error}{peak}{note}", kind="too-deep")
    # A case of ours that expects a MemoryError says so in its expected
    # output; a corpus script's reference never ends in an uncaught one
    # (CPython ran it to the end), so one on the device is the target's size.
    if record.status == "memory-error" and ("MemoryError" not in expected.text or corpus):
        if reference is not None and reference.record and reference.record.status != "memory-error":
            return done(Verdict.FAIL, f"ran out of memory on {target} but not on its host reference "
                                      f"{reference_name} (heap {heap} bytes)")
        # No run cycles and no heap peak: the loader ran out, before the run.
        where = ("while loading the program" if not record.run_cycles and not record.heap_peak
                 else f"(peak {record.heap_peak} bytes)")
        return done(Verdict.SKIP, f"too large for target: MemoryError with a {heap}-byte heap {where}",
                    kind="too-large")
    if record.status == "exception" and needs and error not in expected.text:
        return done(Verdict.SKIP, needs, kind="target-lacks")
    if record.status == "exception" and error.startswith(UNSUPPORTED_ERRORS) \
            and error not in expected.text:
        # The VM says its configuration leaves this out: the case cannot run here.
        return done(Verdict.SKIP, f"unsupported on {target}: {error}", kind="unsupported")
    if not expected.matches(actual):
        origin = {"cpython": "expected (CPython)", "benchmark": "expected (the benchmark's own check)"}.get(
            expected.origin, f"expected ({case.exp_path.relative_to(case.root).as_posix() if case.exp_path else case.id + '.exp'})")
        return done(Verdict.FAIL, "output differs from the expected output"
                    + _where_it_differs(reference, reference_name, actual, expected, profile),
                    unified(expected.text, actual, origin, f"actual ({target})"))
    if reference is not None and reference.record and reference.record.status == "exception" \
            and _error_line(reference.record.trace, profile) == RECURSION_LIMIT and error != RECURSION_LIMIT:
        # The mirror ran out of stack where the target did not (see above):
        # the target's output has matched the expected output.
        result.message = (f"compared with the expected output only: the host reference {reference_name} "
                          f"hit its recursion limit, its frames being another CPU's")
    elif reference is not None and (lacking := _reference_lacks(reference, reference_lacks, corpus, profile)):
        # The mirror is the one short of a feature the target has: it cannot
        # stand against the target's output, which matched the expected output.
        result.message = (f"compared with the expected output only: its host reference {reference_name} "
                          f"{lacking}")
    elif reference is not None:
        ref_actual = device_observable(reference, profile)
        full_device = actual + (run.record.trace or "")
        full_ref = ref_actual + (reference.record.trace if reference.record else "")
        if reference.kind != "completed" or full_device != full_ref:
            return done(Verdict.FAIL, f"output differs from the host reference {reference_name}",
                        unified(full_ref, full_device, f"reference ({reference_name})", f"actual ({target})"))
    if case.xfail:
        # Strict: a deviation that no longer happens must be undocumented.
        result.verdict = Verdict.FAIL
        result.message = f"documented deviation did not occur (xfail: {case.xfail}); remove the xfail directive"
    return result


def _where_it_differs(reference: Execution | None, reference_name: str, actual: str, expected: Expected,
                      profile) -> str:
    """Which side of the board the difference lies on, as the host reference
    (the same VM and configuration, on the host) shows it."""
    if reference is None:
        return ""
    if reference.kind != "completed":
        return f"; its host reference {reference_name} did not complete either ({reference.kind})"
    mirror = device_observable(reference, profile)
    if mirror == actual:
        return (f"; its host reference {reference_name} printed the same: a difference of the VM or its "
                f"configuration, the same on the host")
    if expected.matches(mirror):
        return (f"; its host reference {reference_name} printed the expected output: a difference of the "
                f"board alone (its libm, stack, timing or board layer)")
    return f"; its host reference {reference_name} differs from both"


def _reference_lacks(reference: Execution, reference_lacks, corpus: bool, profile) -> str:
    """What the host reference lacks that its run shows ('' when nothing):
    a script's SKIP, or an error its profile reads as a missing feature."""
    record = reference.record
    if reference.kind != "completed" or record is None:
        return ""
    if corpus and record.output.decode("utf-8", "replace") == SCRIPT_SKIP_OUTPUT and not record.trace:
        return "printed SKIP: it lacks what the script tests for"
    if reference_lacks and record.status in ("exception", "load-error"):
        lacking = reference_lacks(_error_line(record.trace, profile))
        return lacking.removeprefix("target ") if lacking else ""
    return ""
