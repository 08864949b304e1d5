"""A's blob on B's VM: whose change it is, where the two compilers made different blobs.

Each side compiles a case with its own compiler. Where the blobs differ, a
change between the sides may be the compiler's (other bytecode) or the VM's
(the same bytecode run differently). Running A's blob on B's firmware tells
them apart: from A to that run only the VM changed, from that run to B only
the blob. It needs B's VM to load A's blob (``check_blob`` says whether it
can); a case with helper modules is left out (its blob is a bundle).
"""

from __future__ import annotations

import statistics

from ..errors import HarnessError
from ..suite.session import timed_runs
from ..suite.verdict import device_observable
from ..targets import load_target
from ..vms.base import CompileError
from .compare import BROKEN, SAME, CaseAB, compare_case, timing_of


def cross_run(case, a: dict, b: dict, runner_a, runner_b) -> dict:
    """A's blob on B's VM when the two blobs differ and both sides ran to a
    cycle count ({} otherwise): both runners' targets are up (B's, at least)."""
    digests = (a.get("figures", {}).get("blob_sha256"), b.get("figures", {}).get("blob_sha256"))
    if BROKEN in (a["verdict"], b["verdict"]) or not all(digests) or digests[0] == digests[1] \
            or not a["figures"].get("run_cycles") or not b["figures"].get("run_cycles"):
        return {}
    target = b["target"]
    return run_a_blob_on_b(case, runner_b.suite_run(target), runner_a.toolchains.for_target(load_target(target)))


def compare(a: dict, b: dict, target, tolerance: float, cross: dict) -> CaseAB:
    """``compare_case``, and the change put down to the compiler or the VM by ``cross``."""
    ab = compare_case(a, b, target.exact_cycles, tolerance)
    if cross:
        attribute(ab, cross)
    return ab


def run_a_blob_on_b(case, run_b, toolchain_a) -> dict:
    """``case``'s blob from A's compiler (``toolchain_a``) run on B's started
    SuiteRun ``run_b``: its cycles, their range and its output; or a note
    saying why it could not run."""
    if getattr(case, "helpers", ()):
        return {"note": "not run: A's blob bundles helper modules"}
    target = run_b.target
    program = case.program(target.perf_scale, run_b.session.info.heap)
    try:
        blob = toolchain_a.compile(target, program, case.filename)
    except CompileError as exc:
        return {"note": f"A's compiler rejected it: {str(exc).splitlines()[0]}"}
    problem = run_b.toolchain.profile.check_blob(blob, run_b.session.info)
    if problem:
        return {"note": f"B's VM cannot load A's blob: {problem}"}
    try:
        execution, samples = timed_runs(run_b.session, blob, run_b.case_timeout(case))
    except HarnessError as exc:
        return {"note": f"A's blob on B's VM: {exc.message}"}
    if execution.kind != "completed" or not samples:
        return {"note": f"A's blob on B's VM: {execution.kind} ({execution.detail})",
                "output": device_observable(execution, run_b.toolchain.profile)}
    return {"cycles": int(statistics.median(samples)), "range": [min(samples), max(samples)],
            "output": device_observable(execution, run_b.toolchain.profile)}


def attribute(ab: CaseAB, cross: dict) -> None:
    """Put ``ab``'s change down to the compiler or the VM by ``cross``, A's blob on B's VM."""
    ab.cross = {k: v for k, v in cross.items() if k != "output"}
    if "note" in cross and "cycles" not in cross:
        ab.notes.append(f"blobs differ; {cross['note']}")
        return
    a_out, b_out, cross_out = ab.a.get("actual", ""), ab.b.get("actual", ""), cross.get("output", "")
    if a_out != b_out:
        whose = "the compiler's" if cross_out == a_out else "the VM's" if cross_out == b_out else "both"
        ab.notes.append(f"output change: {whose} (A's blob on B's VM printed "
                        f"{'as A' if cross_out == a_out else 'as B' if cross_out == b_out else 'neither'})")
    if ab.timing and ab.cycles[0] and ab.cycles[1]:
        a_range = tuple(ab.a["figures"].get("timing_range") or (ab.cycles[0],) * 2)
        b_range = tuple(ab.b["figures"].get("timing_range") or (ab.cycles[1],) * 2)
        cross_range = tuple(cross["range"])
        vm_moved = timing_of(a_range, cross_range, ab.cycles[0], cross["cycles"], ab.exact) != SAME
        compiler_moved = timing_of(cross_range, b_range, cross["cycles"], ab.cycles[1], ab.exact) != SAME
        if ab.timing != SAME and not vm_moved:
            ab.notes.append("cycles: the change is the compiler's, not the VM's (A's blob runs as fast on B's VM)")
        elif ab.timing != SAME and not compiler_moved:
            ab.notes.append("cycles: the change is the VM's (A's blob runs alike on B's VM)")
