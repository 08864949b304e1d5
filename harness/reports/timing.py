"""The timing report of a run: a table and a plot per target in reports/.

Each case's device time, host reference time and their ratio; a case whose
ratio sits far from the target's median is a timing anomaly (a path the
device handles much worse, or better, than the host: big-int division on a
Cortex-M0 without a divider, say). Peak heap on the device is shown beside
its host reference's."""

from __future__ import annotations

import csv
import math
import statistics
from dataclasses import dataclass
from pathlib import Path

from .svg import Scale, Svg, axis

ANOMALY_FACTOR = 4.0  # this far from the median ratio, either way


@dataclass(frozen=True)
class TimingSummary:
    median_ratio: float
    anomalies: list          # (case, ratio)
    heap_differences: list   # (case, device peak, reference peak)
    regressions: list        # (case, change)
    improvements: list       # (case, change)
    files: list
    other_source: list = ()  # (case, change, the source of the baseline): not judged


def mark_anomalies(records: list[dict]) -> float:
    """Flag each record whose ratio is ANOMALY_FACTOR from the median; returns the median."""
    ratios = [r["figures"]["device_host_ratio"] for r in records if "device_host_ratio" in r.get("figures", {})]
    if not ratios:
        return 0.0
    median = statistics.median(ratios)
    for r in records:
        ratio = r.get("figures", {}).get("device_host_ratio")
        if ratio is not None and median:
            r["figures"]["timing_anomaly"] = not (median / ANOMALY_FACTOR <= ratio <= median * ANOMALY_FACTOR)
    return median


def _row(r: dict) -> dict:
    f, ref = r.get("figures", {}), r.get("reference", {})
    return {
        "case": r["case"], "verdict": r["verdict"],
        "device_cycles": f.get("run_cycles", ""), "device_ms": _ms(f.get("run_seconds")),
        "device_spread": f.get("timing_spread", ""),
        "host_ms": _ms(ref.get("run_seconds")), "host_spread": ref.get("timing_spread", ""),
        "ratio": f"{f['device_host_ratio']:.2f}" if "device_host_ratio" in f else "",
        "anomaly": "yes" if f.get("timing_anomaly") else "",
        "baseline_change": (f"{f['baseline']['change']:+.1%}"
                            + (" (another source's)" if f["baseline"]["kind"] == "other-source" else ""))
        if f.get("baseline", {}).get("baseline_cycles") else "",
        "heap_peak": f.get("heap_peak", ""), "host_heap_peak": ref.get("heap_peak", ""),
        "score": f"{f['perf']['score']:.1f} {f['perf']['unit']}/s" if "perf" in f else "",
    }


def _ms(seconds) -> str:
    return f"{seconds * 1e3:.3f}" if seconds else ""


def write_report(target: str, records: list[dict], folder: Path) -> TimingSummary:
    folder.mkdir(parents=True, exist_ok=True)
    median = mark_anomalies(records)
    rows = [_row(r) for r in records if r.get("figures")]
    files = []
    if rows:
        csv_path = folder / f"timing-{target}.csv"
        with open(csv_path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        md_path = folder / f"timing-{target}.md"
        md_path.write_text(_markdown(target, rows, median))
        files += [csv_path, md_path]
        plot = _plot(target, records, median, folder / f"timing-{target}.svg")
        if plot:
            files.append(plot)
    anomalies = [(r["case"], r["figures"]["device_host_ratio"]) for r in records
                 if r.get("figures", {}).get("timing_anomaly")]
    heap = [(r["case"], r["figures"]["heap_peak"], r["reference"]["heap_peak"]) for r in records
            if r.get("reference", {}).get("heap_peak") not in (None, r.get("figures", {}).get("heap_peak"))
            and r.get("figures", {}).get("heap_peak")]  # 0: not measured (raw-REPL targets)
    changes = [(r["case"], r["figures"]["baseline"]["change"]) for r in records
               if r.get("figures", {}).get("baseline", {}).get("kind") in ("regression", "improvement")]
    other = [(r["case"], r["figures"]["baseline"]["change"], r["figures"]["baseline"].get("made_from", "?"))
             for r in records
             if r.get("figures", {}).get("baseline", {}).get("kind") == "other-source"]
    # Furthest from the median first, either way.
    anomalies.sort(key=lambda a: -abs(math.log(a[1] / median)) if median and a[1] > 0 else 0)
    return TimingSummary(median, anomalies, heap,
                         [c for c in changes if c[1] > 0], [c for c in changes if c[1] < 0], files, other)


def _markdown(target: str, rows: list[dict], median: float) -> str:
    head = ["case", "verdict", "device ms", "host ms", "ratio", "anomaly", "vs baseline", "heap peak",
            "host heap peak", "score"]
    keys = ["case", "verdict", "device_ms", "host_ms", "ratio", "anomaly", "baseline_change", "heap_peak",
            "host_heap_peak", "score"]
    lines = [f"# Timing on {target}", "", f"Median device/host time ratio: {median:.2f}" if median else "", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(row[k]) for k in keys) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _plot(target: str, records: list[dict], median: float, path: Path) -> Path | None:
    timed = sorted((r for r in records if "device_host_ratio" in r.get("figures", {})),
                   key=lambda r: r["figures"]["device_host_ratio"])
    if not timed:
        return None
    width, left, right = 1080, 80, 20
    chart = Svg(width, 720, f"timing on {target}")
    step = (width - left - right) / len(timed)
    x_of = [left + (i + 0.5) * step for i in range(len(timed))]
    bar = max(min(step * 0.7, 6), 0.5)

    # Above: each case's device/host time ratio, log scale, sorted; anomalies in red.
    ratios = [r["figures"]["device_host_ratio"] for r in timed]
    y = Scale(min(ratios), max(ratios), 380, 50, log=True)
    chart.text(width / 2, 24, f"{target}: {len(timed)} cases, anomalies in red (beyond {ANOMALY_FACTOR:g}x "
               f"the median)", size=14, anchor="middle")
    axis(chart, y, left, width - right, "device time / host reference time")
    for x, r, ratio in zip(x_of, timed, ratios):
        anomaly = r["figures"].get("timing_anomaly")
        chart.line(x, y.start, x, y(ratio), "#d62728" if anomaly else "#1f77b4", bar,
                   tooltip=f"{r['case']}: ratio {ratio:.2f}" + (" (anomaly)" if anomaly else ""))
    if median:
        chart.line(left, y(median), width - right, y(median), "black", 1, dash="6 3")
        chart.text(left + 6, y(median) - 5, f"median {median:.1f}")  # the short bars are on the left

    # Below: peak heap of the device beside its host reference's, same order.
    heap = [(r["figures"].get("heap_peak") or 0, r.get("reference", {}).get("heap_peak") or 0) for r in timed]
    h = Scale(0, max([max(pair) for pair in heap] + [1]), 680, 430)
    axis(chart, h, left, width - right, "peak heap, bytes")
    for x, r, (device, host) in zip(x_of, timed, heap):
        if device:
            chart.circle(x, h(device), 2, "#1f77b4", tooltip=f"{r['case']}: device heap peak {device}")
        if host:
            chart.cross(x, h(host), 2, "#ff7f0e", tooltip=f"{r['case']}: host reference heap peak {host}")
    chart.circle(left + 14, 444, 3, "#1f77b4")
    chart.text(left + 22, 448, "device heap peak")
    chart.cross(left + 134, 444, 3, "#ff7f0e")
    chart.text(left + 142, 448, "host reference heap peak")
    chart.text(width / 2, 710, "cases, in the order of the ratio above (hover for names)", anchor="middle")
    return chart.save(path)


