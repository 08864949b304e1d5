"""The differential matrix of a run on several targets: each case's verdict on each target,
with the device/host time ratio where the target has a host reference.

Written as reports/matrix.csv, matrix.md (rows whose verdicts disagree
first: that is where the targets differ) and matrix.svg. Built from the
results records the plugin gathers, or from results-<target>.jsonl files
(``python -m harness matrix``).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from ..errors import ConfigError
from .svg import Svg

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


# A known deviation (xfail) is the VM failing the case all the same: across
# VMs it is a disagreement to show.
FAILING_VERDICTS = ("fail", "vm-crash", "timeout", "xfail")


def vm_of(targets: list[str]) -> dict[str, str]:
    """Each target's VM, from its target file ('' for one no longer known)."""
    from ..errors import HarnessError
    from ..targets import load_target

    vms = {}
    for target in targets:
        try:
            vms[target] = load_target(target).vm
        except HarnessError:
            vms[target] = ""
    return vms


def vm_disagreements(rows: dict, targets: list[str], vms: dict[str, str]) -> dict[str, dict[str, str]]:
    """Cases where the VMs disagree: one VM passes the case on a target of
    its own, another fails it (fail, vm-crash, timeout, or xfail: a known
    deviation) on one of its own:
    case -> VM -> its verdicts, for the cases that do."""
    found = {}
    for case, row in rows.items():
        by_vm: dict[str, set[str]] = {}
        for target in targets:
            if target in row and vms.get(target):
                by_vm.setdefault(vms[target], set()).add(row[target]["verdict"])
        passing = {vm for vm, verdicts in by_vm.items() if "pass" in verdicts}
        failing = {vm for vm, verdicts in by_vm.items() if verdicts & set(FAILING_VERDICTS)}
        if passing and failing and passing != failing:
            found[case] = {vm: "/".join(sorted(verdicts)) for vm, verdicts in sorted(by_vm.items())}
    return found


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
    md_path.write_text(_markdown(rows, order, targets, vm_of(targets)))
    files = [csv_path, md_path]
    plot = _plot(rows, order, targets, folder / "matrix.svg")
    if plot:
        files.append(plot)
    return files


def _markdown(rows: dict, order: list[str], targets: list[str], vms: dict[str, str]) -> str:
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
    lines += _by_area(rows, targets) + _between_vms(rows, targets, vms)
    heads = [f"{t} ({vms[t]})" if len(set(vms.values())) > 1 else t for t in targets]
    lines += ["", "| case | " + " | ".join(heads) + " |", "|---|" + "---|" * len(targets)]
    for case in order:
        mark = " **(differs)**" if case in differing else ""
        lines.append(f"| {case}{mark} | " + " | ".join(_cell(rows[case].get(t)) for t in targets) + " |")
    return "\n".join(lines) + "\n"


def _area(case: str) -> str:
    return case.split("/", 1)[0] if "/" in case else "(top level)"


def _by_area(rows: dict, targets: list[str]) -> list[str]:
    """Per area, the cases that pass on each target, of those it has."""
    areas = sorted({_area(case) for case in rows})
    if len(areas) < 2:
        return []
    lines = ["", "Passes per area:", "", "| area | " + " | ".join(targets) + " |", "|---|" + "---|" * len(targets)]
    for area in areas:
        cases = [c for c in rows if _area(c) == area]
        lines.append(f"| {area} | " + " | ".join(
            f"{sum(1 for c in cases if rows[c].get(t, {}).get('verdict') == 'pass')}/{len(cases)}"
            for t in targets) + " |")
    return lines


def _between_vms(rows: dict, targets: list[str], vms: dict[str, str]) -> list[str]:
    if len({vm for vm in vms.values() if vm}) < 2:
        return []
    found = vm_disagreements(rows, targets, vms)
    lines = ["", f"Where the VMs disagree (one passes the case, the other fails it): {len(found)} cases.", ""]
    if found:
        names = sorted({vm for verdicts in found.values() for vm in verdicts})
        lines += ["| case | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        lines += [f"| {case} | " + " | ".join(found[case].get(vm, "") for vm in names) + " |" for case in sorted(found)]
    return lines


def _plot(rows: dict, order: list[str], targets: list[str], path: Path) -> Path | None:
    if not rows:
        return None
    cell_width, cell_height, top = 110, 18, 60
    names = max(len(case) for case in order) * 6.5 + 16  # room for the longest case name at 10 px
    legend_left = names + cell_width * len(targets) + 24
    seen = Counter(rows[c][t]["verdict"] if t in rows[c] else NOT_RUN for c in rows for t in targets)
    legend = [v for v in COLOURS if seen[v]]
    height = top + cell_height * max(len(order), len(legend)) + 20
    chart = Svg(legend_left + 190, height, f"differential matrix: {', '.join(targets)}")
    chart.text(8, 20, "verdict per case and target; text: device/host time ratio", size=13)
    for x, target in enumerate(targets):
        chart.text(names + (x + 0.5) * cell_width, top - 8, target, size=11, anchor="middle", weight="bold")
    for y, case in enumerate(order):
        row_top = top + y * cell_height
        chart.text(names - 8, row_top + 13, case, size=10, anchor="end",
                   weight="bold" if disagrees(rows[case], targets) else "")
        for x, target in enumerate(targets):
            record = rows[case].get(target)
            verdict = record["verdict"] if record else NOT_RUN
            ratio = _ratio(record)
            chart.rect(names + x * cell_width, row_top, cell_width, cell_height, COLOURS.get(verdict, "#ffffff"),
                       stroke="#666666", tooltip=f"{case} on {target}: {_cell(record)}")
            chart.text(names + (x + 0.5) * cell_width, row_top + 13, f"{ratio:.1f}x" if ratio else verdict,
                       size=10, anchor="middle")
    for i, verdict in enumerate(legend):
        chart.rect(legend_left, top + i * cell_height + 3, 12, 12, COLOURS[verdict], stroke="#666666")
        chart.text(legend_left + 18, top + i * cell_height + 13, f"{verdict} ({seen[verdict]})", size=11)
    chart.text(legend_left, top + len(legend) * cell_height + 16, "case in bold: the targets disagree", size=11)
    return chart.save(path)


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
