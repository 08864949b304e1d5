"""An A/B's report of a target: reports/ab-<target>.md, .csv and .svg, and the terminal's summary.

The table has a row per case: verdicts, cycles and their change, heap and
stack peaks, the blobs, what A's blob did on B's VM; the firmware's sections
and the functions that changed most; the benchmarks' scores; the outputs
that differ. Nothing in it depends on when it ran: on an emulated target
the same A/B gives the same files.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from ..ab.compare import FASTER, SAME, SLOWER, UNREPEATABLE, CaseAB, notes_of, percent
from .ab_plot import plot

SUMMARY_TOP = 10   # cycle changes the terminal lists


def _n(value) -> str:
    return f"{value:,}" if isinstance(value, int) else "" if value is None else str(value)


def _bytes_change(a, b, between: str = " ") -> str:
    if a is None or b is None:
        return ""
    if a == b:
        return "0"
    share = percent((b - a) / a) if a else ""
    return f"{b - a:+,}" + (f"{between}{share}" if between == ", " and share else f" ({share})" if share else "")


def exactness(t) -> str:
    if t.exact:
        return ("Cycles are exact: QEMU's -icount counts executed instructions, so the same blob on the same "
                "firmware gives the same count every run; any difference is real. Each case ran twice on each "
                "side: a count that did not repeat is a fault of the measurement, shown and not judged.")
    return (f"Cycles are measured: each case ran {t.repeats} times on each side (the median is shown); a "
            "difference within the two sides' ranges of runs is \"no change\".")


# --- the terminal ---------------------------------------------------------------

def summary_lines(t, files: list[Path] = ()) -> list[str]:
    """The terminal's account of a target's A/B: the sides, then ``body_lines``, then the files."""
    how = ("cycles exact (QEMU -icount)" if t.exact else
           f"cycles measured ({t.repeats} runs per case and side; a difference within the spread is no change)")
    lines = [f"{t.target.name}: A/B of {len(t.cases)} cases, {how}"]
    lines += [f"  {side}: {info.describe()}" for side, info in t.sides.items()]
    lines += body_lines(t)
    if files:
        lines.append(f"  report: {', '.join(str(p) for p in files)}")
    return lines


def body_lines(t) -> list[str]:
    """What changed: verdicts, cycles (the biggest changes first), heap and
    stack, the firmware, the benchmarks."""
    cases = t.cases
    lines = [f"  {side}: not run: {why}" for side, why in t.not_run.items()]
    worse = [c for c in cases if c.verdict_change == "worse"]
    better = [c for c in cases if c.verdict_change == "better"]
    outputs = [c for c in cases if c.output_diff]
    broken = [c for c in cases if c.broken]
    lines.append(f"  verdicts: {len(worse)} worse, {len(better)} better, {len(outputs)} outputs differ"
                 + (f", {len(broken)} broken" if broken else ""))
    for c in sorted(worse + better, key=CaseAB.order):
        lines.append(f"    {c.verdict_change}: {c.case}: {c.a['verdict']} -> {c.b['verdict']}"
                     + (f" ({c.b.get('message', '').splitlines()[0]})" if c.b.get("message") else ""))
    timing = Counter(c.timing for c in cases if c.timing)
    past = sum(c.past_tolerance for c in cases)
    lines.append(f"  cycles: {timing[SLOWER]} slower ({past} past the {t.tolerance:.0%} tolerance), "
                 f"{timing[FASTER]} faster, {timing[SAME]} no change"
                 + (f", {timing[UNREPEATABLE]} did not repeat (not judged: "
                    + ", ".join(c.case for c in cases if c.timing == UNREPEATABLE) + ")"
                    if timing[UNREPEATABLE] else ""))
    changed = sorted((c for c in cases if c.timing in (SLOWER, FASTER)), key=CaseAB.order)
    width = max((len(c.case) for c in changed[:SUMMARY_TOP]), default=0)
    for c in changed[:SUMMARY_TOP]:
        note = notes_of(c)
        lines.append(f"    {c.case:{width}}  {_n(c.cycles[0]):>11} -> {_n(c.cycles[1]):>11} cycles  "
                     f"{percent(c.change):>8}" + (f"  ({note})" if note else ""))
    if len(changed) > SUMMARY_TOP:
        lines.append(f"    ... {len(changed) - SUMMARY_TOP} more changes in the report")
    return lines + _heap_lines(cases) + _firmware_lines(t) + _score_lines(cases)


def _heap_lines(cases: list[CaseAB]) -> list[str]:
    lines = []
    for figure, title in (("heap_peak", "heap peak"), ("stack_peak", "stack peak")):
        deltas = [(c.figure("B", figure) - c.figure("A", figure), c.case) for c in cases
                  if c.figure("A", figure) and c.figure("B", figure)]
        grew, shrank = [d for d in deltas if d[0] > 0], [d for d in deltas if d[0] < 0]
        if grew or shrank:
            most = max(deltas, key=lambda d: abs(d[0]))
            lines.append(f"  {title}: grew in {len(grew)} cases, shrank in {len(shrank)} (most: {most[1]} "
                         f"{most[0]:+,} bytes)")
    return lines


def _firmware_lines(t) -> list[str]:
    fw = t.firmware
    if fw is None or not fw.measured:
        notes = [f"{s}: {getattr(fw, s.lower()).note}" for s in ("A", "B") if fw and getattr(fw, s.lower()).note]
        return [f"  firmware: not compared ({'; '.join(notes)})"] if notes else []
    totals = {row[0]: row for row in fw.rows() if row[1] == "total"}
    flash, ram = totals["flash (text + data)"], totals["RAM (data + bss + stack)"]
    line = (f"  firmware: flash {_n(flash[2])} -> {_n(flash[3])} bytes ({_bytes_change(flash[2], flash[3], ', ')}), "
            f"RAM {_n(ram[2])} -> {_n(ram[3])} ({_bytes_change(ram[2], ram[3], ', ')})")
    budget = t.target.memory.get("flash")
    if budget:
        line += f"; flash budget {budget:,}: B leaves {budget - flash[3]:,} bytes"
    lines = [line]
    if fw.b.problems:
        lines.append(f"  B's firmware DOES NOT FIT: {'; '.join(fw.b.problems)}")
    grown = fw.symbol_changes(3)
    if grown:
        lines.append("  most changed: " + ", ".join(f"{n} {b - a:+,}" for n, a, b in grown))
    return lines


def _score_lines(cases: list[CaseAB]) -> list[str]:
    scored = [c for c in cases if c.score("A") and c.score("B")]
    if not scored:
        return []
    return ["  benchmarks: " + ", ".join(f"{c.case.split('/')[-1]} {c.score('A'):.1f} -> {c.score('B'):.1f} "
                                         f"({percent(c.score('B') / c.score('A') - 1)})" for c in scored)]


def verdict_line(results: list, status: int) -> str:
    """The A/B's last word: what its exit status says, and why."""
    why = []
    for t in results:
        name = t.target.name
        worse = sum(c.verdict_change == "worse" for c in t.cases)
        slower = sum(c.past_tolerance for c in t.cases)
        broken = sum(c.broken for c in t.cases)
        why += [f"{name}: {worse} verdicts worse"] if worse else []
        why += [f"{name}: {slower} cases slower past the {t.tolerance:.0%} tolerance"] if slower else []
        why += [f"{name}: B's firmware does not fit"] if t.firmware and t.firmware.worse else []
        why += [f"{name}: {broken} cases broken"] if broken else []
        unrepeated = sum(c.timing == UNREPEATABLE for c in t.cases)
        why += [f"{name}: {unrepeated} cases whose cycles did not repeat (not judged)"] if unrepeated else []
        why += [f"{name}: {side} not run" for side in t.not_run]
    word = {0: "no change for the worse", 1: "B is worse", 2: "incomplete"}[status]
    return f"A/B: {word} (exit status {status})" + (": " + "; ".join(why) if why else "")


# --- the files --------------------------------------------------------------------

CSV_FIELDS = ["target", "case", "verdict_a", "verdict_b", "verdict_change", "cycles_a", "cycles_b", "change",
              "timing", "past_tolerance", "exact", "range_a", "range_b", "heap_peak_a", "heap_peak_b",
              "stack_peak_a", "stack_peak_b", "blob_bytes_a", "blob_bytes_b", "blob", "a_blob_on_b_cycles",
              "vm_change", "compiler_change", "score_a", "score_b", "score_unit", "output_differs", "notes"]


def _csv_row(t, c: CaseAB) -> dict:
    fa, fb = c.a.get("figures", {}), c.b.get("figures", {})
    perf = fb.get("perf") or fa.get("perf") or {}
    ratio = lambda x: f"{x:.4f}" if x is not None else ""   # noqa: E731
    return {"target": t.target.name, "case": c.case, "verdict_a": c.a["verdict"], "verdict_b": c.b["verdict"],
            "verdict_change": c.verdict_change, "cycles_a": _plain(c.cycles[0]), "cycles_b": _plain(c.cycles[1]),
            "change": ratio(c.change), "timing": c.timing, "past_tolerance": "yes" if c.past_tolerance else "",
            "exact": "yes" if c.exact else "no", "range_a": _range(fa), "range_b": _range(fb),
            "heap_peak_a": _plain(fa.get("heap_peak")), "heap_peak_b": _plain(fb.get("heap_peak")),
            "stack_peak_a": _plain(fa.get("stack_peak")), "stack_peak_b": _plain(fb.get("stack_peak")),
            "blob_bytes_a": _plain(fa.get("blob_bytes")), "blob_bytes_b": _plain(fb.get("blob_bytes")),
            "blob": c.blob, "a_blob_on_b_cycles": _plain(c.cross.get("cycles")),
            "vm_change": ratio(c.vm_change()), "compiler_change": ratio(c.compiler_change()),
            "score_a": f"{c.score('A'):.2f}" if c.score("A") else "",
            "score_b": f"{c.score('B'):.2f}" if c.score("B") else "",
            "score_unit": perf.get("unit", "") if c.score("A") or c.score("B") else "",
            "output_differs": "yes" if c.output_diff else "", "notes": notes_of(c)}


def _plain(value) -> str:
    return "" if value is None else str(value)


def _range(figures: dict) -> str:
    found = figures.get("timing_range")
    return f"{found[0]}-{found[1]}" if found else ""


def write(t, folder: Path) -> list[Path]:
    """ab-<target>.csv, .md and .svg in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    name = t.target.name
    csv_path = folder / f"ab-{name}.csv"
    with open(csv_path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        writer.writeheader()
        writer.writerows(_csv_row(t, c) for c in sorted(t.cases, key=CaseAB.order))
    md_path = folder / f"ab-{name}.md"
    md_path.write_text(markdown(t))
    files = [md_path, csv_path]
    svg = plot(t, folder / f"ab-{name}.svg")
    return files + ([svg] if svg else [])


def _table(head: list[str], rows: list[list]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + \
        ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]


def markdown(t) -> str:
    name, cases = t.target.name, sorted(t.cases, key=CaseAB.order)
    lines = [f"# A/B on {name}", "", *_table(["side", "source"], [[s, i.describe()] for s, i in t.sides.items()]),
             "", exactness(t),
             f"A case slower on B by more than {t.tolerance:.0%} fails the A/B (exit status 1), as does a verdict "
             "that got worse or a firmware that no longer fits.", ""]
    lines += ["## Summary", ""] + [f"- {line.strip()}" for line in body_lines(t) if not line.startswith("    ")]
    lines += [""]
    lines += _firmware_md(t)
    lines += ["## Cases", "", "Sorted by the size of the change: verdicts that got worse, then better, then the "
              "biggest changes in cycles either way.", ""]
    lines += _table(["case", "verdict A", "verdict B", "cycles A", "cycles B", "change", "timing", "heap peak A",
                     "heap peak B", "stack peak A", "stack peak B", "blob", "notes"],
                    [[c.case, c.a["verdict"], c.b["verdict"], _n(c.cycles[0]), _n(c.cycles[1]), percent(c.change),
                      c.timing + (" (past tolerance)" if c.past_tolerance else ""), _n(c.figure("A", "heap_peak")),
                      _n(c.figure("B", "heap_peak")), _n(c.figure("A", "stack_peak")),
                      _n(c.figure("B", "stack_peak")), c.blob, notes_of(c)] for c in cases])
    scored = [c for c in cases if c.score("A") or c.score("B")]
    if scored:
        unit = (scored[0].figure("B", "perf") or scored[0].figure("A", "perf"))["unit"]
        lines += ["", "## Benchmarks", "", f"Scores in {unit} per second, higher is better: the target's perf_scale "
                  "over the run's time, so they follow the cycles.", ""]
        lines += _table(["benchmark", "score A", "score B", "change"],
                        [[c.case, f"{c.score('A'):.1f}" if c.score("A") else "",
                          f"{c.score('B'):.1f}" if c.score("B") else "",
                          percent(c.score("B") / c.score("A") - 1) if c.score("A") and c.score("B") else ""]
                         for c in sorted(scored, key=lambda c: c.case)])
    differing = [c for c in cases if c.output_diff]
    if differing:
        lines += ["", "## Outputs that differ", ""]
        for c in differing:
            lines += [f"### {c.case}", "", "```diff", c.output_diff.rstrip("\n"), "```", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _firmware_md(t) -> list[str]:
    fw = t.firmware
    if fw is None:
        return []
    lines = ["## Firmware", ""]
    for side in ("A", "B"):
        lines.append(f"- {side}: {fw.budget_line(side)}")
    if not fw.measured:
        return lines + [""]
    lines += ["", *_table(["section", "region", "A bytes", "B bytes", "change"],
                          [[n, r, _n(a), _n(b), _bytes_change(a, b)] for n, r, a, b in fw.rows()])]
    changed = fw.symbol_changes()
    if changed:
        lines += ["", "Functions and objects whose size changed most:", ""]
        lines += _table(["symbol", "A bytes", "B bytes", "change"],
                        [[n, _n(a) if a else "(none)", _n(b) if b else "(none)", f"{b - a:+,}"] for n, a, b in changed])
    return lines + [""]
