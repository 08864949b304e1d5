"""The differential matrix of a run on several targets: each case's verdict on each target,
with the device/host time ratio where the target has a host reference.

Written as reports/matrix.csv, matrix.md (rows whose verdicts disagree
first: that is where the targets differ) and matrix.png. Built from the
results records the plugin gathers, or from results-<target>.jsonl files
(``python -m harness matrix``).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from .errors import ConfigError
from .timing import wait_for_plotting

NOT_RUN = "not run"  # no result: deselected, or not in the results files
INFRASTRUCTURE = "infrastructure"  # the target never came up for the case: no verdict
COLOURS = {"pass": "#97cc64", "fail": "#fd5a3e", "vm-crash": "#8e2dc5", "timeout": "#ff9f1a",
           "perf-regression": "#d35ebe", "skip": "#d0d0d0", "xfail": "#aaaaaa", INFRASTRUCTURE: "#ffd966",
           NOT_RUN: "#ffffff"}


def build(records: list[dict], targets: list[str]) -> dict[str, dict[str, dict]]:
    """case -> target -> its record; a case keeps the last record of each target
    (a verdict after an infrastructure error: a resumed run ran it again)."""
    rows: dict[str, dict[str, dict]] = {}
    for r in records:
        if r.get("target") in targets and "case" in r:
            rows.setdefault(r["case"], {})[r["target"]] = r
    return rows


def _ratio(record: dict | None) -> float | None:
    return (record or {}).get("figures", {}).get("device_host_ratio")


def _cell(record: dict | None) -> str:
    if record is None:
        return NOT_RUN
    ratio = _ratio(record)
    return f"{record['verdict']} ({ratio:.1f}x)" if ratio else record["verdict"]


def disagrees(row: dict[str, dict], targets: list[str]) -> bool:
    return len({row[t]["verdict"] if t in row else NOT_RUN for t in targets}) > 1


def write_matrix(records: list[dict], targets: list[str], folder: Path) -> list[Path]:
    rows = build(records, targets)
    folder.mkdir(parents=True, exist_ok=True)
    order = sorted(rows, key=lambda case: (not disagrees(rows[case], targets), case))
    csv_path = folder / "matrix.csv"
    with open(csv_path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["case", "targets disagree"] + [f"{t} {k}" for t in targets for k in ("verdict", "ratio")])
        for case in order:
            row = rows[case]
            cells = []
            for t in targets:
                ratio = _ratio(row.get(t))
                cells += [row[t]["verdict"] if t in row else NOT_RUN, f"{ratio:.3f}" if ratio else ""]
            writer.writerow([case, "yes" if disagrees(row, targets) else ""] + cells)
    md_path = folder / "matrix.md"
    md_path.write_text(_markdown(rows, order, targets))
    files = [csv_path, md_path]
    png = _plot(rows, order, targets, folder / "matrix.png")
    if png:
        files.append(png)
    return files


def _markdown(rows: dict, order: list[str], targets: list[str]) -> str:
    differing = [c for c in order if disagrees(rows[c], targets)]
    lines = [f"# Differential matrix: {', '.join(targets)}", "",
             f"{len(rows)} cases; the verdicts differ between targets in {len(differing)}. Cells: the verdict, "
             "and the device/host time ratio where the target has a host reference.", "",
             "| target | " + " | ".join(targets) + " |", "|---|" + "---|" * len(targets)]
    for verdict in COLOURS:
        counts = [sum(1 for c in rows if (rows[c][t]["verdict"] if t in rows[c] else NOT_RUN) == verdict)
                  for t in targets]
        if any(counts):
            lines.append(f"| {verdict} | " + " | ".join(str(n) for n in counts) + " |")
    lines += ["", "| case | " + " | ".join(targets) + " |", "|---|" + "---|" * len(targets)]
    for case in order:
        mark = " **(differs)**" if case in differing else ""
        lines.append(f"| {case}{mark} | " + " | ".join(_cell(rows[case].get(t)) for t in targets) + " |")
    return "\n".join(lines) + "\n"


def _plot(rows: dict, order: list[str], targets: list[str], path: Path) -> Path | None:
    if not rows:
        return None
    wait_for_plotting()
    import matplotlib

    matplotlib.use("Agg")  # files only: no display
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    height = min(2.0 + 0.25 * len(order), 120.0)
    fig, ax = plt.subplots(figsize=(3.0 + 1.8 * len(targets) + 3.0, height), constrained_layout=True)
    for y, case in enumerate(order):
        for x, target in enumerate(targets):
            record = rows[case].get(target)
            verdict = record["verdict"] if record else NOT_RUN
            ax.add_patch(plt.Rectangle((x, y), 1, 1, facecolor=COLOURS.get(verdict, "#ffffff"),
                                       edgecolor="#666666", linewidth=0.4))
            ratio = _ratio(record)
            ax.text(x + 0.5, y + 0.5, f"{ratio:.1f}x" if ratio else verdict, ha="center", va="center", fontsize=7)
    ax.set_xlim(0, len(targets))
    ax.set_ylim(len(order), 0)
    ax.set_xticks([x + 0.5 for x in range(len(targets))], targets)
    ax.xaxis.tick_top()
    ax.set_yticks([y + 0.5 for y in range(len(order))], order, fontsize=7)
    seen = Counter(rows[c][t]["verdict"] if t in rows[c] else NOT_RUN for c in rows for t in targets)
    ax.legend(handles=[Patch(facecolor=COLOURS[v], edgecolor="#666666", label=f"{v} ({seen[v]})")
                       for v in COLOURS if seen[v]], loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)
    ax.set_title("verdict per case and target; text: device/host time ratio", fontsize=9)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def load_results(paths: list[Path]) -> tuple[list[dict], list[str]]:
    """Records and their targets (in file order) from results-<target>.jsonl files."""
    records, targets = [], []
    for path in paths:
        try:
            lines = path.read_text().splitlines()
        except OSError as exc:
            raise ConfigError(f"cannot read results file {path}: {exc.strerror}") from None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{number}: not a results record ({exc.msg})",
                                  "results files are the JSON lines a run writes to reports/results-<target>.jsonl") \
                    from None
            if "case" not in record or "target" not in record or "verdict" not in record:
                raise ConfigError(f"{path}:{number}: a results record needs case, target and verdict")
            records.append(record)
            if record["target"] not in targets:
                targets.append(record["target"])
    return records, targets
