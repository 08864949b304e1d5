"""The end of a run of cases on a target, with or without pytest: its
summary lines, its timing report and its results file.

Both ways of running cases share it: the pytest plugin's terminal summary
(harness/plugin.py) and ``python -m harness suite`` (harness/__main__.py).
The records are ``harness.verdict.result_record``'s, each led by the
``nodeid`` of its pytest item (``cases/ints/add_sub_mul.py::host32``).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Callable

from ..suite.corpus import record_corpus_run
from ..suite.verdict import Verdict
from .timing import TimingSummary, write_report

RESULTS_FILE = "results-{target}.jsonl"  # in a run's reports/ folder


def results_path(reports_dir: Path, target: str, chosen: str | None = None, several: bool = False) -> Path:
    """Where a target's results go: ``chosen`` (a run's --hil-results), with
    the target put into its name when the run has ``several`` targets; else
    results-<target>.jsonl in the run's reports/ folder."""
    if not chosen:
        return Path(reports_dir) / RESULTS_FILE.format(target=target)
    path = Path(chosen)
    return path.with_name(f"{path.stem}-{target}{path.suffix}") if several else path


def write_results(path: Path, records: list[dict]) -> Path:
    """The results file: one record a line, as ``python -m harness matrix`` reads them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    return path


def verdict_lines(target: str, records: list[dict], seconds: float | None = None) -> list[str]:
    """``<target>: 6 pass, 1 skip``, and the kinds of skips and failures."""
    counts = Counter(r["verdict"] for r in records)
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    lines = [f"{target}: " + ", ".join(f"{counts[v.value]} {v.value}" for v in Verdict if counts[v.value]) + took]
    kinds = Counter(f"{r['verdict']}: {r['kind']}" for r in records if r.get("kind"))
    if kinds:
        lines.append("  by kind: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
    return lines


def corpus_lines(cache: Path, target: str, records: list[dict]) -> list[str]:
    """Per corpus: the scripts whose verdict changed since its last run on ``target`` (stored for the next)."""
    by_corpus: dict[str, dict[str, str]] = {}
    for r in records:
        if r.get("corpus"):
            by_corpus.setdefault(r["corpus"], {})[r["case"]] = r["verdict"]
    return [f"  {line}" for root, verdicts in sorted(by_corpus.items())
            for line in record_corpus_run(cache, root, target, verdicts)]


def session_lines(run) -> list[str]:
    """The device, firmware and board a ``SuiteRun`` ran on."""
    session = run.session
    lines = [f"  device: {session.info}"]
    if session.footprint:
        lines.append(f"  firmware: {session.footprint.describe(run.target.memory)}")
    if session.board:
        lines.append(f"  board: {session.board.name} ({session.board.origin})")
    return lines


def timing_lines(timing: TimingSummary) -> list[str]:
    lines = []
    if timing.median_ratio:
        lines.append(f"  device/host time ratio: median {timing.median_ratio:.1f}; "
                     f"{len(timing.anomalies)} timing anomalies"
                     + "".join(f"\n    {case}: ratio {ratio:.1f}, {ratio / timing.median_ratio:.2f}x the median"
                               for case, ratio in timing.anomalies[:5]))
    if timing.regressions or timing.improvements:
        lines.append(f"  against the baseline: {len(timing.regressions)} slower, "
                     f"{len(timing.improvements)} faster")
    if timing.other_source:
        moved = [c for c in timing.other_source if c[1]]
        lines.append(f"  the baseline was made from another VM source ({timing.other_source[0][2]}): "
                     f"{len(timing.other_source)} "
                     f"cases not judged against it, {len(moved)} of them changed (python -m harness ab "
                     "compares two sources, docs/ab.md)")
    if timing.heap_differences:
        lines.append(f"  heap peak differs from the host reference in {len(timing.heap_differences)} cases")
    if timing.files:
        lines.append(f"  timing: {', '.join(str(p) for p in timing.files)}")
    return lines


def finish_target(target: str, records: list[dict], *, reports_dir: Path, results_file: Path, cache: Path,
                  run=None, seconds: float | None = None,
                  baseline: Callable[[], str] | None = None, files: bool = True) -> list[str]:
    """A target's part of a run's summary, as lines, once its cases have run:
    the verdicts, the corpora's changes, the device (``run``, its SuiteRun,
    when it came up); and, with ``files``, its files written: the timing
    report in ``reports_dir`` and the results file. ``baseline``, called
    between them, updates the target's baseline and says so."""
    lines = verdict_lines(target, records, seconds) + corpus_lines(cache, target, records)
    if run is not None:
        lines += session_lines(run)
    if not files:
        return lines
    lines += timing_lines(write_report(target, records, reports_dir))  # marks the records' timing anomalies
    if baseline is not None:
        lines.append(f"  baseline: {baseline()}")
    return lines + [f"  results: {write_results(results_file, records)}"]
