"""`python -m harness suite --target=a,b`, without pytest: a differential run.
Each case on each target, one target after the other, into one Allure results
folder and one JUnit file; per target the results file and timing report a
pytest run writes; the differential matrix, attached to the Allure results;
a target that cannot come up, or is lost, costs its own results only."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_cli_allure import (
    INTS,
    category,
    data_files,
    fail_second_case,
    reporting_env,
    reports_wanted,
    results,
    run_both,
    snapshot,  # noqa: F401 (fixture)
    suite,
    write_corpus,
    written,
)
from test_cli_junit import cases_of, counts, outcome, parse

import harness.__main__ as cli
from harness.errors import InfrastructureError
from harness.paths import CASES_DIR, REPO_ROOT
from harness.suite.session import SuiteRun

TARGETS = ["host", "host32"]   # host has float, host32 (the g030 configuration) has not
FLOAT_CASE = CASES_DIR / "floats" / "float_arith_exact.py"
CASES = [f"ints/{name}" for name in INTS] + ["floats/float_arith_exact"]
MATRIX_FILES = ["matrix.csv", "matrix.md", "matrix.svg"]


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def two_targets(tmp_path_factory):
    """cases/ints and a case needing float, on host and host32."""
    cwd = tmp_path_factory.mktemp("targets")
    proc = suite(cwd, str(CASES_DIR / "ints"), str(FLOAT_CASE), f"--target={','.join(TARGETS)}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return cwd / "reports", proc


def test_each_case_runs_on_each_target_into_one_results_folder_and_one_junit_file(two_targets):
    reports, _ = two_targets
    found = results(reports / "allure-results")
    assert sorted(found) == sorted(f"{case} on {target}" for case in CASES for target in TARGETS)
    assert found["floats/float_arith_exact on host"]["status"] == "passed"
    skipped = found["floats/float_arith_exact on host32"]
    assert skipped["status"] == "skipped" and skipped["statusDetails"]["message"] == "target lacks float"
    env = dict(line.split(" = ", 1) for line in (reports / "allure-results" / "environment.properties")
               .read_text().splitlines())
    assert env["targets"] == "host,host32" and env["host.device"] != env["host32.device"]
    # JUnit: each case twice, named as pytest names its items <path>::<target>.
    testsuite = parse(reports / "junit.xml")
    assert counts(testsuite) == {"tests": 2 * len(CASES), "failures": 0, "errors": 0, "skipped": 2}
    assert sorted(cases_of(testsuite)) == sorted(f"cases.{case.replace('/', '.')}::{target}"
                                                 for case in CASES for target in TARGETS)


def test_results_file_and_timing_report_per_target(two_targets):
    reports, proc = two_targets
    for target in TARGETS:
        found = records(reports / f"results-{target}.jsonl")
        assert [r["case"] for r in found] == CASES and {r["target"] for r in found} == {target}
        # The records pytest writes: result_record's, led by the pytest item's node id.
        add = next(r for r in found if r["case"] == "ints/add_sub_mul")
        assert list(add) == ["nodeid", "case", "target", "verdict", "message", "figures", "reference"]
        assert add["nodeid"] == f"cases/ints/add_sub_mul.py::{target}" and add["figures"]["run_cycles"] > 0
        assert f"  results: {reports / f'results-{target}.jsonl'}" in proc.stdout
        assert f"  timing: {reports / f'timing-{target}.csv'}, {reports / f'timing-{target}.md'}" in proc.stdout
        assert "| ints/add_sub_mul | pass |" in (reports / f"timing-{target}.md").read_text()
    floats = {r["target"]: r for t in TARGETS for r in records(reports / f"results-{t}.jsonl")
              if r["case"] == "floats/float_arith_exact"}
    assert (floats["host"]["verdict"], floats["host32"]["verdict"], floats["host32"]["kind"]) == \
        ("pass", "skip", "target-lacks")
    # Each case that did not pass as it ended, then per target its summary.
    lines = proc.stdout.splitlines()
    assert lines[:2] == ["skip: ints/smallint_cross_boundary on host32: target lacks bigint",
                         "skip: floats/float_arith_exact on host32: target lacks float"]
    assert lines[2].startswith(f"host: {len(CASES)} pass in ")
    host32 = next(i for i, line in enumerate(lines) if line.startswith("host32: "))
    assert lines[host32].startswith(f"host32: {len(CASES) - 2} pass, 2 skip in ")
    assert lines[host32 + 1] == "  by kind: 2 skip: target-lacks"


def test_differential_matrix_and_its_global_attachments(two_targets):
    reports, proc = two_targets
    md = (reports / "matrix.md").read_text()
    assert "| floats/float_arith_exact **(differs)** | pass | skip |" in md
    assert "| ints/smallint_cross_boundary **(differs)** | pass | skip |" in md
    assert "| ints/add_sub_mul | pass | pass |" in md
    rows = (reports / "matrix.csv").read_text().splitlines()
    assert rows[0] == "case,targets disagree,host verdict,host ratio,host32 verdict,host32 ratio"
    assert len(rows) == 1 + len(CASES)
    assert (reports / "matrix.svg").read_text().startswith("<svg ")
    for name in MATRIX_FILES:
        assert f"differential matrix: {reports / name}" in proc.stdout
    folder = reports / "allure-results"
    attached = [a for p in folder.glob("*-globals.json") for a in json.loads(p.read_text())["attachments"]]
    assert sorted(a["name"] for a in attached) == ["differential matrix (csv)", "differential matrix (md)",
                                                   "differential matrix (svg)"]
    for a in attached:   # a copy of each file, typed as allure-pytest types it
        kind = a["name"].split("(")[1].rstrip(")")
        assert (folder / a["source"]).read_bytes() == (reports / f"matrix.{kind}").read_bytes()
        assert a["type"] == {"csv": "text/csv", "md": "text/markdown", "svg": "image/svg+xml"}[kind]
        assert a["timestamp"] > 0


def test_the_matrix_command_rebuilds_it_from_the_results_files(two_targets, tmp_path, monkeypatch, capsys):
    reports, _ = two_targets
    given = [str(reports / f"results-{target}.jsonl") for target in TARGETS]
    assert cli.main(["matrix", *given, "-o", str(tmp_path / "given")]) == 0
    monkeypatch.chdir(reports.parent)   # no files named: every reports/results-*.jsonl
    assert cli.main(["matrix", "-o", str(tmp_path / "found")]) == 0
    assert str(tmp_path / "found" / "matrix.md") in capsys.readouterr().out
    for folder in ("given", "found"):
        for name in MATRIX_FILES:
            assert (tmp_path / folder / name).read_text() == (reports / name).read_text(), (folder, name)


def test_one_target_at_a_time(tmp_path, monkeypatch):
    """A target's SuiteRun is stopped before the next target's starts: one QEMU at a time on a small machine."""
    events = []

    def logged(method, what):
        def wrapper(self, *args):
            events.append(what(self, *args))
            return method(self, *args)
        return wrapper

    monkeypatch.setattr(SuiteRun, "start", logged(SuiteRun.start, lambda run: f"start {run.target.name}"))
    monkeypatch.setattr(SuiteRun, "stop", logged(SuiteRun.stop, lambda run: f"stop {run.target.name}"))
    monkeypatch.setattr(SuiteRun, "run_case", logged(SuiteRun.run_case,
                                                     lambda run, case, *_: f"{case.id} on {run.target.name}"))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["suite", str(CASES_DIR / "ints" / "add_sub_mul.py"), "--target=host32,host"]) == 0
    assert events == ["start host32", "ints/add_sub_mul on host32", "stop host32",
                      "start host", "ints/add_sub_mul on host", "stop host"]


def test_a_misspelt_target_among_good_ones_stops_before_anything_runs(tmp_path):
    earlier = tmp_path / "reports" / "allure-results" / "earlier-result.json"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("{}")
    (tmp_path / "reports" / "results-host.jsonl").write_text("{}\n")
    before = snapshot(tmp_path / "reports")
    proc = suite(tmp_path, str(CASES_DIR / "ints"), "--target=host,qemu-mo,host32")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "no target named 'qemu-mo'" in proc.stderr and "available targets:" in proc.stderr
    assert snapshot(tmp_path / "reports") == before   # the last run's reports, as they were


def test_no_target_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("HIL_TARGET", raising=False)
    monkeypatch.chdir(tmp_path)
    for args in (["--target="], ["--target=,"]):
        assert cli.main(["suite", str(CASES_DIR / "ints"), *args]) == 2
        assert "no target given\n  -> pass --target=NAME[,NAME...] or set HIL_TARGET" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()


def test_a_target_that_cannot_come_up_costs_only_its_own_results(tmp_path):
    # esp32 runs firmware the user provides: none given, it cannot come up; host32 runs after it.
    two = [str(CASES_DIR / "ints" / "add_sub_mul.py"), str(CASES_DIR / "ints" / "bool_arithmetic.py")]
    proc = suite(tmp_path, *two, "--target=esp32,host32")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "bytecode-hil: error: esp32 runs firmware you provide" in proc.stderr
    reports = tmp_path / "reports"
    found = results(reports / "allure-results")
    assert sorted(found) == sorted(f"ints/{case} on {target}" for case in ("add_sub_mul", "bool_arithmetic")
                                   for target in ("esp32", "host32"))
    for name, result in found.items():
        if name.endswith("on esp32"):
            assert result["status"] == "broken" and category(result) == "Infrastructure: configuration"
        else:
            assert result["status"] == "passed"
    assert "esp32.status = never came up (see the broken cases)" in \
        (reports / "allure-results" / "environment.properties").read_text()
    testsuite = parse(reports / "junit.xml")
    assert counts(testsuite) == {"tests": 4, "failures": 0, "errors": 2, "skipped": 0}
    assert {name: getattr(outcome(tc), "tag", None) for name, tc in cases_of(testsuite).items()} == {
        "cases.ints.add_sub_mul::esp32": "error", "cases.ints.bool_arithmetic::esp32": "error",
        "cases.ints.add_sub_mul::host32": None, "cases.ints.bool_arithmetic::host32": None}
    # Results files hold verdicts, as pytest's: none for the target that never came up.
    assert sorted(p.name for p in reports.glob("results-*")) == ["results-host32.jsonl"]
    assert [r["verdict"] for r in records(reports / "results-host32.jsonl")] == ["pass", "pass"]
    assert "| ints/add_sub_mul **(differs)** | infrastructure | pass |" in (reports / "matrix.md").read_text()
    assert "esp32: never came up, its 2 cases broken: esp32 runs firmware you provide, and none was given\n" \
           "host32: 2 pass in " in proc.stdout


def test_a_target_lost_in_a_case_costs_that_case_and_the_run_goes_on(tmp_path, monkeypatch, capsys):
    """As under pytest: the lost case is broken, the target comes up again for the next case."""
    fail_second_case(monkeypatch, InfrastructureError("the board went away"))   # host's second case
    monkeypatch.chdir(tmp_path)
    three = [str(CASES_DIR / "ints" / f"{name}.py") for name in INTS[:3]]
    assert cli.main(["suite", *three, "--target=host,host32"]) == 2
    out, err = capsys.readouterr()
    assert "bytecode-hil: error: the board went away" in err
    reports = tmp_path / "reports"
    found = results(reports / "allure-results")
    first, lost, after = (f"ints/{name}" for name in INTS[:3])
    assert found[f"{first} on host"]["status"] == "passed"
    assert found[f"{lost} on host"]["status"] == "broken"
    assert found[f"{after} on host"]["status"] == "passed"
    assert [found[f"{case} on host32"]["status"] for case in (first, lost, after)] == ["passed"] * 3
    assert [r["case"] for r in records(reports / "results-host.jsonl")] == [first, after]
    assert len(records(reports / "results-host32.jsonl")) == 3
    md = (reports / "matrix.md").read_text()
    assert f"| {lost} **(differs)** | infrastructure | pass |" in md and f"| {after} | pass | pass |" in md
    assert "  1 case without a verdict, the target lost or down: the board went away" in out


def test_an_interrupted_run_writes_what_finished(tmp_path, monkeypatch, capsys):
    fail_second_case(monkeypatch, KeyboardInterrupt())   # host's second case: host32 never starts
    monkeypatch.chdir(tmp_path)
    assert cli.main(["suite", str(CASES_DIR / "ints"), "--target=host,host32"]) == 130
    out = capsys.readouterr().out
    reports = tmp_path / "reports"
    assert [r["case"] for r in records(reports / "results-host.jsonl")] == [f"ints/{INTS[0]}"]
    assert not (reports / "results-host32.jsonl").exists()
    assert "host: 1 pass in " in out and "host32: not run: the run stopped before it" in out
    assert "| ints/" in (reports / "matrix.md").read_text()
    assert len(list(ET.parse(reports / "junit.xml").iter("testcase"))) == 1


def test_no_reports_writes_no_file_as_under_pytest(tmp_path):
    """HIL_TARGET names the targets; HIL_NO_REPORTS: no file at all, the summary printed."""
    env = {**reporting_env(), "HIL_NO_REPORTS": "1", "HIL_TARGET": "host,host32"}
    proc = suite(tmp_path, str(CASES_DIR / "ints" / "add_sub_mul.py"), env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not (tmp_path / "reports").exists()
    assert "host: 1 pass" in proc.stdout and "host32: 1 pass" in proc.stdout
    assert "differential matrix" not in proc.stdout and "allure results" not in proc.stdout
    ran = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--no-reports",
                          str(CASES_DIR / "ints" / "add_sub_mul.py"), "--target=host32"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300, env=reporting_env())
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert not (REPO_ROOT / "reports" / "results-host32.jsonl").exists() or \
        (REPO_ROOT / "reports" / "results-host32.jsonl").stat().st_mtime < tmp_path.stat().st_mtime
    assert "host32: 1 pass" in ran.stdout


def test_the_same_results_files_and_matrix_as_pytests(tmp_path):
    """A corpus on two targets, by the command line in cli/ and by pytest in the corpus's parent."""
    corpus = write_corpus(tmp_path)
    (corpus / "float.py").write_text("print(1.5 * 2)\n")
    run_both(corpus, ",".join(TARGETS))   # which also sees that neither wrote into their folder

    def without_timings(path: Path) -> list[dict]:
        found = records(path)
        for r in found:
            del r["figures"]
        return sorted(found, key=lambda r: r["case"])

    for target in TARGETS:
        ours, theirs = (root / "reports" / f"results-{target}.jsonl" for root in (tmp_path / "cli", tmp_path))
        assert without_timings(ours) == without_timings(theirs), target
        assert len(records(ours)) == 4
    assert "| float **(differs)** | pass | skip |" in (tmp_path / "cli" / "reports" / "matrix.md").read_text()
    for name in ("matrix.md", "matrix.csv"):   # no host reference: no ratio, nothing that varies
        assert (tmp_path / "cli" / "reports" / name).read_text() == (tmp_path / "reports" / name).read_text()


@pytest.mark.parametrize("verdicts, status", [
    (["pass", "skip", "xfail"], 0),
    (["pass", "perf-regression"], 1),   # as pytest fails it
    (["pass", "timeout"], 1),
])
def test_exit_status_counts_what_pytest_fails(verdicts, status, tmp_path):
    from harness.options import Settings
    from harness.suite.runner import Runner

    run = Runner(Settings(target=["host32"]), tmp_path)
    run.records["host32"] = [{"case": f"c{i}", "target": "host32", "verdict": v} for i, v in enumerate(verdicts)]
    assert run.status() == status
