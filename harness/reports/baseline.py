"""Timing baselines: targets/<name>/baseline.json, written by --update-baseline.

A case whose cycles exceed its baseline by more than the tolerance (the
case's ``# perf-tolerance:``, else the target's ``perf_tolerance``) is a perf
regression; one faster by more than the tolerance is an improvement."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..targets import Target

FORMAT = 1


@dataclass(frozen=True)
class Comparison:
    kind: str          # "regression", "improvement", "same", or "new" (no baseline for the case)
    value: int
    baseline: int = 0
    tolerance: float = 0.0

    @property
    def change(self) -> float:
        return (self.value - self.baseline) / self.baseline if self.baseline else 0.0

    def describe(self, unit: str = "cycles") -> str:
        if self.kind == "new":
            return f"{self.value} {unit}, no baseline yet"
        return (f"{self.value} {unit} against a baseline of {self.baseline} ({self.change:+.1%}; "
                f"tolerance {self.tolerance:.0%})")


class Baseline:
    def __init__(self, target: Target, folder: Path | None = None):
        """The target's baseline: targets/<name>/baseline.json, or <folder>/<name>.json."""
        self.target = target
        self.path = Path(folder) / f"{target.name}.json" if folder else target.folder / "baseline.json"
        self.cases: dict[str, dict] = {}
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text())
                self.cases = data["cases"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ConfigError(f"{self.path}: not a baseline file ({exc})",
                                  "rewrite it with --update-baseline") from None

    def compare(self, case_id: str, cycles: int, tolerance: float | None = None) -> Comparison:
        tolerance = self.target.perf_tolerance if tolerance is None else tolerance
        entry = self.cases.get(case_id)
        if not entry or not entry.get("run_cycles"):
            return Comparison("new", cycles)
        base = entry["run_cycles"]
        if cycles > base * (1 + tolerance):
            kind = "regression"
        elif cycles < base * (1 - tolerance):
            kind = "improvement"
        else:
            kind = "same"
        return Comparison(kind, cycles, base, tolerance)

    def update(self, records: list[dict], details: dict) -> int:
        """Take the cycles of every case that ran to a timing; returns how many."""
        taken = 0
        for r in records:
            figures = r.get("figures", {})
            if r.get("verdict") in ("pass", "perf-regression") and figures.get("run_cycles"):
                self.cases[r["case"]] = {k: figures[k] for k in ("run_cycles", "timing_spread", "heap_peak",
                                                                  "clock_hz") if k in figures}
                taken += 1
        data = {"format": FORMAT, "target": self.target.name, "metric": "run_cycles",
                "updated": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **details,
                "cases": dict(sorted(self.cases.items()))}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, indent=1) + "\n")
        tmp.replace(self.path)
        return taken
