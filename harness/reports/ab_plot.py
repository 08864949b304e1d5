"""The plot of a target's A/B: reports/ab-<target>.svg.

Above, each case's cycles on B over A (log scale, sorted): slower in red
past the tolerance and orange within it, faster in green, no change in grey;
a verdict that got worse is marked with a red cross at the top, one that got
better with a green ring. Below, in the same order, the change of the heap
peak in bytes. Each shape's tooltip names its case.
"""

from __future__ import annotations

from pathlib import Path

from ..ab.compare import FASTER, SLOWER, CaseAB, percent
from .svg import Scale, Svg, axis

LABELS = 6   # the biggest changes named on the plot
COLOURS = {"past": "#d62728", SLOWER: "#ff7f0e", FASTER: "#2ca02c", "same": "#9e9e9e"}


def plot(t, path: Path) -> Path | None:
    timed = sorted((c for c in t.cases if c.change is not None), key=lambda c: (c.change, c.case))
    if not timed:
        return None
    width, left, right = 1080, 80, 20
    chart = Svg(width, 720, f"A/B on {t.target.name}")
    step = (width - left - right) / len(timed)
    x_of = [left + (i + 0.5) * step for i in range(len(timed))]
    bar = max(min(step * 0.7, 8), 0.5)
    how = "exact cycles" if t.exact else f"median of {t.repeats} runs"
    chart.text(width / 2, 24, f"{t.target.name}: cycles on B / cycles on A, {len(timed)} cases ({how}); "
               f"tolerance {t.tolerance:.0%}", size=14, anchor="middle")

    ratios = [1 + c.change for c in timed]
    low, high = min(ratios + [1 / (1 + t.tolerance)]), max(ratios + [1 + t.tolerance])
    y = Scale(low, high, 380, 50, log=True)
    axis(chart, y, left, width - right, "cycles B / cycles A", base=y(1))
    for x, c, ratio in zip(x_of, timed, ratios):
        colour = COLOURS["past"] if c.past_tolerance else COLOURS.get(c.timing, COLOURS["same"])
        tip = f"{c.case}: {c.cycles[0]:,} -> {c.cycles[1]:,} cycles ({percent(c.change)}, {c.timing})"
        if ratio == 1:
            chart.rect(x - bar / 2, y(1) - 0.5, bar, 1, colour, tooltip=tip)
        else:
            chart.line(x, y(1), x, y(ratio), colour, bar, tooltip=tip)
        if c.verdict_change == "worse":
            chart.cross(x, 44, 4, COLOURS["past"], tooltip=f"{c.case}: {c.a['verdict']} -> {c.b['verdict']}")
        elif c.verdict_change == "better":
            chart.circle(x, 44, 3, COLOURS[FASTER], tooltip=f"{c.case}: {c.a['verdict']} -> {c.b['verdict']}")
    _name_biggest(chart, timed, x_of, y)
    for bound in (1 + t.tolerance, 1 / (1 + t.tolerance)):
        chart.line(left, y(bound), width - right, y(bound), "black", 1, dash="6 3")
    chart.text(width / 2, y(1 + t.tolerance) - 5, f"+{t.tolerance:.0%} tolerance", size=10, anchor="middle")

    heap = [_delta(c, "heap_peak") for c in timed]
    span = max([abs(d) for d in heap if d is not None] + [16])
    h = Scale(-span, span, 680, 430)
    axis(chart, h, left, width - right, "heap peak B - A, bytes", base=h(0))
    for x, c, delta in zip(x_of, timed, heap):
        if delta:
            chart.line(x, h(0), x, h(delta), COLOURS["past"] if delta > 0 else COLOURS[FASTER], bar,
                       tooltip=f"{c.case}: heap peak {c.figure('A', 'heap_peak'):,} -> "
                               f"{c.figure('B', 'heap_peak'):,} bytes ({delta:+,})")
    chart.text(width / 2, 710, "cases, in the order of the change in cycles (hover for names)", anchor="middle")
    return chart.save(path)


def _name_biggest(chart: Svg, timed: list, x_of: list, y: Scale) -> None:
    """The biggest changes named in a column beside them (slower ones from
    the top, faster ones from the bottom), a thin line to each bar's end."""
    biggest = sorted((i for i, c in enumerate(timed) if c.size), key=lambda i: (-timed[i].size, timed[i].case))
    for slower in (True, False):
        chosen = sorted((i for i in biggest[:LABELS] if (timed[i].change > 0) == slower), reverse=slower)
        if not chosen:
            continue
        column = min(x_of[i] for i in chosen) - 14 if slower else max(x_of[i] for i in chosen) + 14
        for row, i in enumerate(chosen):
            c, at = timed[i], (y.end + 12 + 12 * row) if slower else (y.start - 8 - 12 * row)
            chart.text(column, at, f"{c.case.rsplit('/', 1)[-1]} {percent(c.change)}", size=9,
                       anchor="end" if slower else "start")
            chart.line(column + (3 if slower else -3), at - 3, x_of[i], y(1 + c.change), "#bdbdbd", 0.5)


def _delta(c: CaseAB, figure: str) -> int | None:
    a, b = c.figure("A", figure), c.figure("B", figure)
    return b - a if a and b else None


