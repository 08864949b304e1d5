"""One case on both sides of an A/B, compared.

A side's run of a case is an *observation*: its result record
(harness/suite/verdict.py ``result_record``) with the output it showed, or
``verdict: infrastructure`` when an infrastructure error ended it.

Cycles: on a target whose count is exact (QEMU's -icount) any difference is
real. On a measured one (a host, a board) each side ran several times; a
difference is one only when the two sides' ranges of runs do not overlap,
otherwise it is "no change" (within the spread).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..suite.deviations import XPASS
from ..suite.verdict import CaseResult, result_record, unified

BROKEN = "infrastructure"
# How good a verdict is: a lower rank on B than on A is a verdict that got worse.
RANK = {"pass": 3, "xfail": 3, "skip": 2, "fail": 1, "perf-regression": 1, "timeout": 1, "vm-crash": 0}
OUTPUT_LIMIT = 20000   # characters of a side's output kept for the diff

SLOWER, FASTER, SAME = "slower", "faster", "no change"
UNREPEATABLE = "not repeatable"   # an exact target whose count differed between two runs of one blob


def observation(result: CaseResult, corpus: str = "") -> dict:
    """What a side saw of a case: its record and its output."""
    return {**result_record(result, corpus), "actual": result.actual[-OUTPUT_LIMIT:]}


def broken_observation(case_id: str, target: str, message: str) -> dict:
    return {"case": case_id, "target": target, "verdict": BROKEN, "message": message[-2000:], "figures": {}}


@dataclass
class CaseAB:
    """A case on both sides: ``a`` and ``b`` are observations."""

    case: str
    a: dict
    b: dict
    exact: bool
    verdict_change: str = ""      # "worse", "better", or ''
    output_diff: str = ""         # where the outputs differ
    cycles: tuple = (None, None)
    change: float | None = None   # (B - A) / A
    timing: str = ""              # slower, faster, no change; '' when a side has no count
    past_tolerance: bool = False  # slower by more than the tolerance
    blob: str = ""                # same, differs; '' when a side compiled none
    cross: dict = field(default_factory=dict)   # A's blob on B's VM (harness/ab/crossrun.py)
    notes: list = field(default_factory=list)

    @property
    def broken(self) -> bool:
        return BROKEN in (self.a["verdict"], self.b["verdict"])

    def figure(self, side: str, name: str):
        return (self.a if side == "A" else self.b).get("figures", {}).get(name)

    def score(self, side: str):
        perf = self.figure(side, "perf")
        return perf["score"] if perf else None

    @property
    def size(self) -> float:
        """How big the change is, either way (2x slower as big as 2x faster)."""
        if self.change is None or self.change <= -1:
            return 0.0
        return abs(math.log1p(self.change))

    @property
    def worse(self) -> bool:
        return self.verdict_change == "worse" or self.past_tolerance

    def order(self) -> tuple:
        """The summary's order: verdicts that got worse, then better, then
        the biggest changes in cycles, slower before faster at one size."""
        kind = {"worse": 0, "better": 1}.get(self.verdict_change, 2)
        return (kind, -self.size if self.timing in (SLOWER, FASTER) else 0.0, self.timing != SLOWER, self.case)

    def vm_change(self) -> float | None:
        """With A's blob on B's VM: the VM's part of the change (A's blob, VM A to B)."""
        cycles = self.cross.get("cycles")
        return cycles / self.cycles[0] - 1 if cycles and self.cycles[0] else None

    def compiler_change(self) -> float | None:
        """The compiler's part (B's VM, A's blob to B's blob)."""
        cycles = self.cross.get("cycles")
        return self.cycles[1] / cycles - 1 if cycles and self.cycles[1] else None


def _range(obs: dict) -> tuple[int, int] | None:
    figures = obs.get("figures", {})
    if not figures.get("run_cycles"):
        return None
    low, high = figures.get("timing_range") or (figures["run_cycles"], figures["run_cycles"])
    return low, high


def timing_of(a: tuple[int, int], b: tuple[int, int], a_cycles: int, b_cycles: int, exact: bool) -> str:
    """slower, faster or no change: on an exact target any difference; on a
    measured one, ranges of runs that do not overlap."""
    if exact:
        return SAME if a_cycles == b_cycles else SLOWER if b_cycles > a_cycles else FASTER
    if b[0] > a[1]:
        return SLOWER
    if b[1] < a[0]:
        return FASTER
    return SAME


def _rank(obs: dict) -> int:
    # A known deviation that no longer happens fails (strict), and is a fix:
    # better than the xfail it was.
    if obs["verdict"] == "fail" and obs.get("kind") == XPASS:
        return RANK["xfail"] + 1
    return RANK.get(obs["verdict"], 1)


def compare_case(a: dict, b: dict, exact: bool, tolerance: float) -> CaseAB:
    """A case on side A and side B; ``tolerance``: how much slower B may be
    (a fraction) before the A/B fails."""
    ab = CaseAB(a.get("case") or b.get("case"), a, b, exact)
    if ab.broken:
        ab.notes.append("broken on " + " and ".join(s for s, o in (("A", a), ("B", b)) if o["verdict"] == BROKEN)
                        + ": no comparison")
        return ab
    if _rank(b) < _rank(a):
        ab.verdict_change = "worse"
    elif _rank(b) > _rank(a):
        ab.verdict_change = "better"
    if a.get("actual", "") != b.get("actual", "") and (a.get("actual") or b.get("actual")):
        ab.output_diff = unified(a.get("actual", ""), b.get("actual", ""), "A", "B")
    digests = (a["figures"].get("blob_sha256"), b["figures"].get("blob_sha256"))
    if all(digests):
        ab.blob = "same" if digests[0] == digests[1] else "differs"
    ranges = (_range(a), _range(b))
    if all(ranges):
        ab.cycles = (a["figures"]["run_cycles"], b["figures"]["run_cycles"])
        ab.change = (ab.cycles[1] - ab.cycles[0]) / ab.cycles[0]
        ab.timing = timing_of(ranges[0], ranges[1], ab.cycles[0], ab.cycles[1], exact)
        ab.past_tolerance = ab.timing == SLOWER and ab.change > tolerance
    unrepeated = [f"{side} {low:,} then {high:,}" for side, found in zip("AB", ranges)
                  if exact and found and found[0] != found[1] for low, high in [found]]
    if unrepeated:
        # On an exact target two runs of one blob count alike: a count that
        # does not repeat is a fault of the measurement, reported, not judged.
        ab.timing, ab.change, ab.past_tolerance = UNREPEATABLE, None, False
        ab.notes.append("cycles did not repeat on an exact target (" + "; ".join(unrepeated)
                        + "): a fault of the measurement, not judged")
    return ab


def status(cases: list[CaseAB], firmware_worse: bool = False) -> int:
    """2 when a case broke on either side, else 1 when a verdict got worse,
    a case got slower past the tolerance or B's firmware no longer fits,
    else 0."""
    if any(c.broken for c in cases):
        return 2
    return int(firmware_worse or any(c.worse for c in cases))


def notes_of(c: CaseAB) -> str:
    """What a row's notes say: whose change it is where the blobs differ, and the rest."""
    notes = list(c.notes)
    if c.blob == "differs" and c.cross.get("cycles"):
        notes.insert(0, f"A's blob on B: VM {percent(c.vm_change())}, compiler {percent(c.compiler_change())}")
    elif c.blob == "differs" and not c.notes:
        notes.insert(0, "blobs differ")
    if c.output_diff:
        notes.append("output differs")
    return "; ".join(notes)


def percent(change: float | None) -> str:
    """A change as people read it: +198.0%, -4.1%, 0 (exactly none)."""
    if change is None:
        return ""
    if change == 0:
        return "0"
    return f"{change:+.1%}"
