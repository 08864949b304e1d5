"""The differential matrix from results records and files, without running a suite."""

import json
import xml.etree.ElementTree as ET

import pytest

from harness.__main__ import main
from harness.errors import ConfigError
from harness.reports.matrix import COLOURS, load_results, write_matrix

SVG = "{http://www.w3.org/2000/svg}"


def record(case, target, verdict, ratio=None):
    figures = {"device_host_ratio": ratio} if ratio else {}
    return {"case": case, "target": target, "verdict": verdict, "message": "", "figures": figures, "reference": {}}


RECORDS = [
    record("ints/add", "qemu-m0", "pass", 31.5), record("ints/add", "qemu-g030", "pass", 12.25),
    record("floats/sum", "qemu-m0", "pass", 40.0), record("floats/sum", "qemu-g030", "skip"),
    record("str/fmt", "qemu-m0", "fail", 20.0),
]


def test_matrix_puts_disagreements_first_and_marks_what_never_ran(tmp_path):
    files = write_matrix(RECORDS, ["qemu-m0", "qemu-g030"], tmp_path)
    assert [f.name for f in files] == ["matrix.csv", "matrix.md", "matrix.svg"]
    rows = (tmp_path / "matrix.csv").read_text().splitlines()
    assert rows == [
        "case,targets disagree,qemu-m0 verdict,qemu-m0 ratio,qemu-g030 verdict,qemu-g030 ratio",
        "floats/sum,yes,pass,40.000,skip,",
        "str/fmt,yes,fail,20.000,not run,",
        "ints/add,,pass,31.500,pass,12.250",
    ]
    md = (tmp_path / "matrix.md").read_text()
    assert "3 cases; the verdicts differ between targets in 2." in md
    # The plot: a cell per case and target, coloured by verdict, named in its tooltip.
    svg = ET.parse(tmp_path / "matrix.svg").getroot()
    cells = {r.find(f"{SVG}title").text: r.get("fill") for r in svg.iter(f"{SVG}rect")
             if r.find(f"{SVG}title") is not None}
    assert len(cells) == 6
    assert cells["ints/add on qemu-g030: pass (12.2x)"] == COLOURS["pass"]
    assert cells["str/fmt on qemu-g030: not run"] == COLOURS["not run"]
    assert cells["str/fmt on qemu-m0: fail (20.0x)"] == COLOURS["fail"]
    assert cells["floats/sum on qemu-g030: skip"] == COLOURS["skip"]
    assert "| pass | 2 | 1 |" in md and "| not run | 0 | 1 |" in md
    assert "| ints/add | pass (31.5x) | pass (12.2x) |" in md
    assert "| str/fmt **(differs)** | fail (20.0x) | not run |" in md


def test_matrix_command_rebuilds_it_from_results_files(tmp_path, capsys):
    for target in ("qemu-m0", "qemu-g030"):
        lines = [json.dumps(r) for r in RECORDS if r["target"] == target]
        (tmp_path / f"results-{target}.jsonl").write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    assert main(["matrix", str(tmp_path / "results-qemu-m0.jsonl"), str(tmp_path / "results-qemu-g030.jsonl"),
                 "-o", str(out)]) == 0
    assert "matrix.md" in capsys.readouterr().out
    assert "| ints/add | pass (31.5x) | pass (12.2x) |" in (out / "matrix.md").read_text()


def test_a_broken_results_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "results-x.jsonl"
    bad.write_text('{"case": "a", "target": "x", "verdict": "pass"}\nnot json\n')
    with pytest.raises(ConfigError, match=r"results-x.jsonl:2: not a results record"):
        load_results([bad])
    assert main(["matrix", str(tmp_path / "missing.jsonl")]) == 2


def test_a_known_deviation_of_one_vm_is_still_where_the_vms_disagree():
    from harness.reports.matrix import build, vm_disagreements

    records = [record("floats/repr", "qemu-m0", "pass"), record("floats/repr", "qemu-m0-pika", "xfail"),
               record("ints/add", "qemu-m0", "pass"), record("ints/add", "qemu-m0-pika", "pass")]
    targets = ["qemu-m0", "qemu-m0-pika"]
    found = vm_disagreements(build(records, targets), targets, {"qemu-m0": "micropython", "qemu-m0-pika": "pikascript"})
    assert found == {"floats/repr": {"micropython": "pass", "pikascript": "xfail"}}
