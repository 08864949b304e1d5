"""Timing baselines: targets/<name>/baseline.json, written by --update-baseline.

A case whose cycles exceed its baseline by more than the tolerance (the
case's ``# perf-tolerance:``, else the target's ``perf_tolerance``) is a perf
regression; one faster by more than the tolerance is an improvement.

A baseline records the VM source it was made from (``source``: its origin
and digest). A run that builds another source (``--vm-src``) is compared
with it and says by how much, but its change is the source's, not a
regression of the run: ``python -m harness ab`` compares two sources case by
case (docs/ab.md). A baseline that records no source is compared as before."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..targets import Target
from ..vmsource import VMSource

FORMAT = 1


@dataclass(frozen=True)
class Comparison:
    # "regression", "improvement", "same", "new" (no baseline for the case),
    # or "other-source" (the baseline was made from another VM source)
    kind: str
    value: int
    baseline: int = 0
    tolerance: float = 0.0
    made_from: str = ""   # other-source: the baseline's source

    @property
    def change(self) -> float:
        return (self.value - self.baseline) / self.baseline if self.baseline else 0.0

    def describe(self, unit: str = "cycles") -> str:
        if self.kind == "new":
            return f"{self.value} {unit}, no baseline yet"
        if self.kind == "other-source":
            return (f"{self.value} {unit} against a baseline of {self.baseline} ({self.change:+.1%}) made from "
                    f"another VM source ({self.made_from}): the change is the source's, not judged")
        return (f"{self.value} {unit} against a baseline of {self.baseline} ({self.change:+.1%}; "
                f"tolerance {self.tolerance:.0%})")


class Baseline:
    def __init__(self, target: Target, folder: Path | None = None, source: VMSource | None = None):
        """The target's baseline: targets/<name>/baseline.json, or
        <folder>/<name>.json; ``source``, the VM source the run builds."""
        self.target = target
        self.path = Path(folder) / f"{target.name}.json" if folder else target.folder / "baseline.json"
        self.cases: dict[str, dict] = {}
        self.source = source
        self.made_from: dict = {}   # the source the baseline was made from ({} : it does not say)
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text())
                self.cases = data["cases"]
                self.made_from = data.get("source") or {}
                if not isinstance(self.made_from, dict):
                    raise TypeError("its source is not a table")
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ConfigError(f"{self.path}: not a baseline file ({exc})",
                                  "rewrite it with --update-baseline") from None

    def compare(self, case_id: str, cycles: int, tolerance: float | None = None) -> Comparison:
        tolerance = self.target.perf_tolerance if tolerance is None else tolerance
        entry = self.cases.get(case_id)
        if not entry or not entry.get("run_cycles"):
            return Comparison("new", cycles)
        base = entry["run_cycles"]
        if self.other_source:
            return Comparison("other-source", cycles, base, tolerance, self.made_from.get("origin", "?"))
        if cycles > base * (1 + tolerance):
            kind = "regression"
        elif cycles < base * (1 - tolerance):
            kind = "improvement"
        else:
            kind = "same"
        return Comparison(kind, cycles, base, tolerance)

    @property
    def other_source(self) -> bool:
        """Whether the baseline was made from another source than the run's."""
        return bool(self.source and self.made_from.get("digest")
                    and self.made_from["digest"] != self.source.digest)

    def update(self, records: list[dict], details: dict) -> int:
        """Take the cycles of every case that ran to a timing; returns how many."""
        taken = 0
        if self.other_source:
            # Cycles of two sources in one file would be compared as one: start anew.
            self.cases = {}
        for r in records:
            figures = r.get("figures", {})
            if r.get("verdict") in ("pass", "perf-regression") and figures.get("run_cycles"):
                self.cases[r["case"]] = {k: figures[k] for k in ("run_cycles", "timing_spread", "heap_peak",
                                                                  "clock_hz") if k in figures}
                taken += 1
        data = {"format": FORMAT, "target": self.target.name, "metric": "run_cycles",
                "updated": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **details,
                **({"source": {"origin": self.source.origin, "digest": self.source.digest}} if self.source else {}),
                "cases": dict(sorted(self.cases.items()))}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, indent=1) + "\n")
        tmp.replace(self.path)
        return taken
