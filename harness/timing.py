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
import threading
from dataclasses import dataclass
from pathlib import Path

ANOMALY_FACTOR = 4.0  # this far from the median ratio, either way


@dataclass(frozen=True)
class TimingSummary:
    median_ratio: float
    anomalies: list          # (case, ratio)
    heap_differences: list   # (case, device peak, reference peak)
    regressions: list        # (case, change)
    improvements: list       # (case, change)
    files: list


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
        "baseline_change": f"{f['baseline']['change']:+.1%}" if f.get("baseline", {}).get("baseline_cycles") else "",
        "heap_peak": f.get("heap_peak", ""), "host_heap_peak": ref.get("heap_peak", ""),
        "score": f"{f['perf']['score']:.1f} {f['perf']['unit']}/s" if "perf" in f else "",
    }


def preload_plotting() -> None:
    """Import matplotlib in the background while the cases run, so the plot
    at the end of a run does not wait for it (about half a second)."""
    def load():
        try:
            import matplotlib

            matplotlib.use("Agg")  # files only: no display
            import matplotlib.pyplot  # noqa: F401
        except Exception:  # only a head start: the plot's own import reports trouble
            pass

    global _preloading
    with _preload_lock:
        if _preloading is None:
            _preloading = threading.Thread(target=load, name="preload-matplotlib", daemon=True)
            _preloading.start()


def wait_for_plotting() -> None:
    """Call before importing matplotlib: two threads importing numpy's
    extension modules at once fail ("cannot load module more than once per
    process"), so a plot waits for the preload."""
    with _preload_lock:
        thread = _preloading
    if thread is not None:
        thread.join()


_preload_lock = threading.Lock()
_preloading: threading.Thread | None = None


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
        png = _plot(target, records, median, folder / f"timing-{target}.png")
        if png:
            files.append(png)
    anomalies = [(r["case"], r["figures"]["device_host_ratio"]) for r in records
                 if r.get("figures", {}).get("timing_anomaly")]
    heap = [(r["case"], r["figures"]["heap_peak"], r["reference"]["heap_peak"]) for r in records
            if r.get("reference", {}).get("heap_peak") not in (None, r.get("figures", {}).get("heap_peak"))
            and r.get("figures", {}).get("heap_peak")]  # 0: not measured (raw-REPL targets)
    changes = [(r["case"], r["figures"]["baseline"]["change"]) for r in records
               if r.get("figures", {}).get("baseline", {}).get("kind") in ("regression", "improvement")]
    # Furthest from the median first, either way.
    anomalies.sort(key=lambda a: -abs(math.log(a[1] / median)) if median and a[1] > 0 else 0)
    return TimingSummary(median, anomalies, heap,
                         [c for c in changes if c[1] > 0], [c for c in changes if c[1] < 0], files)


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
    wait_for_plotting()
    import matplotlib

    matplotlib.use("Agg")  # files only: no display
    import matplotlib.pyplot as plt

    # One artist per series, not one per case, and a fixed layout: the plot
    # is drawn at the end of every run, so it must cost little.
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(12, 8))
    fig.subplots_adjust(left=0.07, right=0.98, top=0.95, bottom=0.07, hspace=0.15)
    ratios = [r["figures"]["device_host_ratio"] for r in timed]
    anomalies = [bool(r["figures"].get("timing_anomaly")) for r in timed]
    top.vlines(range(len(timed)), min(ratios) / 2, ratios, colors="tab:blue", linewidth=2)
    if any(anomalies):
        marked = [i for i, a in enumerate(anomalies) if a]
        top.vlines(marked, min(ratios) / 2, [ratios[i] for i in marked], colors="tab:red", linewidth=2)
    top.axhline(median, color="black", linewidth=1, label=f"median {median:.1f}")
    top.set_yscale("log")
    top.set_ylabel("device time / host reference time")
    top.set_title(f"{target}: {len(timed)} cases, anomalies in red (beyond {ANOMALY_FACTOR:g}x the median)")
    top.set_xticks([])
    top.legend()
    heap = [(r["figures"].get("heap_peak", 0), r.get("reference", {}).get("heap_peak", 0)) for r in timed]
    bottom.plot(range(len(timed)), [d for d, _ in heap], ".", label="device heap peak")
    bottom.plot(range(len(timed)), [h for _, h in heap], "x", markersize=3, label="host reference heap peak")
    bottom.set_ylabel("peak heap, bytes")
    bottom.set_xlabel("cases, in the order of the ratio above")
    bottom.legend()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
