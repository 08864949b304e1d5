"""JUnit XML of `python -m harness suite`, without pytest: the file a pytest
run of the same cases writes with --junitxml (same test names, properties,
failures, skips and errors), valid XML whatever the device printed, and
written however the run ends, nowhere it must not be."""

from __future__ import annotations

import ast
import os
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
from test_cli_allure import (
    INTS,
    data_files,
    fail_second_case,
    ints_run,  # noqa: F401 (fixtures)
    reporting_env,
    reports_wanted,
    run_both,
    suite,
    write_corpus,
    written,
)

import harness.__main__ as cli
from harness.errors import InfrastructureError
from harness.paths import CASES_DIR
from harness.reports.junit import JUnitXml, xml_text
from harness.suite.cases import load_case
from harness.suite.verdict import CaseResult, Verdict


def parse(path: Path) -> ET.Element:
    """The <testsuite> of a JUnit XML file (parsing fails on invalid XML)."""
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    (testsuite,) = root
    assert testsuite.tag == "testsuite"
    return testsuite


def counts(testsuite: ET.Element) -> dict[str, int]:
    return {k: int(testsuite.get(k)) for k in ("tests", "failures", "errors", "skipped")}


def cases_of(testsuite: ET.Element) -> dict[str, ET.Element]:
    return {f"{tc.get('classname')}::{tc.get('name')}": tc for tc in testsuite.iter("testcase")}


def properties(testcase: ET.Element) -> dict[str, str]:
    return {p.get("name"): p.get("value") for p in testcase.iter("property")}


def outcome(testcase: ET.Element) -> ET.Element | None:
    """The <failure>, <skipped> or <error> of a testcase, if any."""
    found = [child for child in testcase if child.tag != "properties"]
    assert len(found) <= 1
    return found[0] if found else None


# --- Our cases ----------------------------------------------------------------------------

def test_every_case_is_a_testcase_named_as_pytest_names_it(ints_run):
    folder, proc = ints_run   # test_cli_allure's run of cases/ints
    path = folder.parent / "junit.xml"
    testsuite = parse(path)
    assert counts(testsuite) == {"tests": len(INTS), "failures": 0, "errors": 0, "skipped": 1}
    assert testsuite.get("name") == "bytecode-hil" and testsuite.get("hostname")
    assert float(testsuite.get("time")) >= 0 and datetime.fromisoformat(testsuite.get("timestamp")).tzinfo
    found = cases_of(testsuite)
    assert sorted(found) == [f"cases.ints.{name}::host32" for name in INTS]   # cases/ints/<name>.py::host32
    for name, testcase in found.items():
        props = properties(testcase)
        assert list(props) == ["hil_result", "hil_verdict"]
        record = ast.literal_eval(props["hil_result"])
        assert record["case"] == "ints/" + name.split(".")[2].split("::")[0] and record["target"] == "host32"
        assert props["hil_verdict"] == record["verdict"]
        assert float(testcase.get("time")) >= 0
    skipped = outcome(found["cases.ints.smallint_cross_boundary::host32"])
    assert (skipped.tag, skipped.get("type"), skipped.get("message")) == ("skipped", "skip", "target lacks bigint")
    assert outcome(found["cases.ints.add_sub_mul::host32"]) is None
    assert proc.stdout.splitlines()[-1] == f"junit xml: {path.resolve()}"   # after the allure line
    assert proc.stdout.splitlines()[-2].startswith("allure results: ")


# --- A corpus: failures with their diff, skips, control characters; and pytest's file -----

CONTROL = "a\\x00b\\x01c\\x1b[31md\\x7f<&>'\\\"]]>\\ufffe"   # as Python source, printed by the device


@pytest.fixture(scope="module")
def corpus_runs(tmp_path_factory):
    """One corpus, run by the command line and by pytest, each from its own folder."""
    root = tmp_path_factory.mktemp("corpus")
    corpus = write_corpus(root)
    (corpus / "ctrl.py").write_text(f'print("{CONTROL}")\n')
    (corpus / "ctrl.py.exp").write_text("plain\n")
    (corpus / "skips.py").write_text('print("SKIP")\n')
    run_both(corpus)
    return parse(root / "cli" / "reports" / "junit.xml"), parse(root / "reports" / "junit.xml"), corpus


def test_a_failing_script_is_a_failure_with_its_diff(corpus_runs):
    ours, _, corpus = corpus_runs
    assert counts(ours) == {"tests": 5, "failures": 2, "errors": 0, "skipped": 1}
    failure = outcome(cases_of(ours)["theirs.bad::host32"])
    assert failure.tag == "failure"
    assert failure.get("message") == "fail: bad on host32: output differs from the expected output"
    assert "--- expected (bad.py.exp)\n+++ actual (host32)" in failure.text
    assert "-expected\n+actual\n" in failure.text and failure.text.endswith(f"case: {corpus / 'bad.py'}")
    skipped = outcome(cases_of(ours)["theirs.skips::host32"])
    assert (skipped.tag, skipped.get("message")) == ("skipped", "skipped by the script: it printed SKIP on host32")


def test_control_characters_in_device_output_stay_valid_xml(corpus_runs):
    ours, _, _ = corpus_runs   # parsed: valid XML
    testcase = cases_of(ours)["theirs.ctrl::host32"]
    shown = "a#x00b#x01c#x1B[31md#x7F<&>'\"]]>#xFFFE"   # what XML cannot hold written as #xHH, as pytest does
    assert f"+{shown}\n" in outcome(testcase).text
    assert ast.literal_eval(properties(testcase)["hil_result"])["verdict"] == "fail"


def test_the_same_file_as_pytests(corpus_runs):
    ours, theirs, _ = corpus_runs
    assert counts(ours) == counts(theirs)
    ours, theirs = cases_of(ours), cases_of(theirs)
    assert sorted(ours) == sorted(theirs)

    def record(testcase):
        found = ast.literal_eval(properties(testcase)["hil_result"])
        del found["figures"]   # timings
        return found

    for name, testcase in ours.items():
        mine, pytests = outcome(testcase), outcome(theirs[name])
        assert list(properties(testcase)) == list(properties(theirs[name])), name
        assert properties(testcase)["hil_verdict"] == properties(theirs[name])["hil_verdict"], name
        assert record(testcase) == record(theirs[name]), name
        assert (mine is None) == (pytests is None), name
        if mine is not None:
            assert (mine.tag, mine.get("message") if mine.tag == "skipped" else None) == \
                (pytests.tag, pytests.get("message") if pytests.tag == "skipped" else None), name
        if mine is not None and mine.tag == "failure":
            # The same text; the message is the verdict's summary, where pytest's repeats the text.
            assert mine.text == pytests.text and pytests.get("message") == pytests.text, name


# --- Verdicts the runs above do not reach --------------------------------------------------

@pytest.mark.parametrize("verdict, tag, message", [
    (Verdict.TIMEOUT, "failure", "timeout: ints/add_sub_mul on host32: no result\x1b"),
    (Verdict.VM_CRASH, "failure", "vm-crash: ints/add_sub_mul on host32: no result\x1b"),
    (Verdict.PERF_REGRESSION, "failure", "perf-regression: ints/add_sub_mul on host32: no result\x1b"),
    (Verdict.XFAIL, "skipped", "no result\x1b"),
    (Verdict.PASS, None, None),
])
def test_each_verdict(tmp_path, verdict, tag, message):
    case = load_case(CASES_DIR / "ints" / "add_sub_mul.py", CASES_DIR)
    junit = JUnitXml(tmp_path / "deep" / "j.xml")
    result = CaseResult(case.id, "host32", verdict, message="no result\x1b" if tag else "", actual="half\x00")
    junit.add(case, result, 0.01234)
    junit.write()
    testsuite = parse(tmp_path / "deep" / "j.xml")
    (testcase,) = testsuite
    assert (testcase.get("classname"), testcase.get("name"), testcase.get("time")) == \
        ("cases.ints.add_sub_mul", "host32", "0.012")
    assert properties(testcase)["hil_verdict"] == verdict.value
    found = outcome(testcase)
    assert (found.tag if found is not None else None) == tag
    if found is not None:
        assert found.get("message") == xml_text(message)
    if tag == "failure":
        assert "output before it ended:\nhalf#x00" in found.text
    assert counts(testsuite) == {"tests": 1, "failures": int(tag == "failure"), "errors": 0,
                                 "skipped": int(tag == "skipped")}


def test_xml_text_keeps_what_xml_holds():
    assert xml_text("tab\tnl\ncr\r é \u20ac \U0001f600 <&>") == "tab\tnl\ncr\r é \u20ac \U0001f600 <&>"
    assert xml_text("\x00\x08\x0b\x1f\x7f\ud800\ufffe\uffff") == "#x00#x08#x0B#x1F#x7F#xD800#xFFFE#xFFFF"


# --- Infrastructure trouble, interruptions -------------------------------------------------

def test_a_target_that_cannot_come_up_gives_errors(tmp_path):
    proc = suite(tmp_path, str(CASES_DIR / "ints" / "add_sub_mul.py"), str(CASES_DIR / "ints" / "bool_arithmetic.py"),
                 "--target=esp32")
    assert proc.returncode == 2 and "bytecode-hil: error: " in proc.stderr
    testsuite = parse(tmp_path / "reports" / "junit.xml")
    assert counts(testsuite) == {"tests": 2, "failures": 0, "errors": 2, "skipped": 0}
    found = cases_of(testsuite)
    assert sorted(found) == ["cases.ints.add_sub_mul::esp32", "cases.ints.bool_arithmetic::esp32"]
    for testcase in found.values():
        error = outcome(testcase)
        assert error.tag == "error" and not properties(testcase)   # no verdict, as under pytest
        assert error.get("message").startswith("harness.errors.ConfigError: esp32 runs firmware you provide")
        assert error.text.startswith("INFRASTRUCTURE: esp32 runs firmware you provide")
    assert f"junit xml: {tmp_path / 'reports' / 'junit.xml'}" in proc.stdout


@pytest.mark.parametrize("error, code", [(InfrastructureError("the board went away"), 2), (KeyboardInterrupt(), 130)])
def test_a_run_cut_short_leaves_a_valid_file_of_finished_cases(tmp_path, monkeypatch, capsys, error, code):
    """The second case loses its board (an error, and the run goes on), or is stopped by Ctrl-C (not in the file)."""
    fail_second_case(monkeypatch, error)
    path = tmp_path / "j.xml"
    monkeypatch.chdir(tmp_path)   # its reports/: results files, timing
    assert cli.main(["suite", str(CASES_DIR / "ints"), "--target=host32", f"--alluredir={tmp_path / 'out'}",
                     f"--junitxml={path}"]) == code
    testsuite = parse(path)
    lost = isinstance(error, InfrastructureError)
    found = counts(testsuite)
    # A lost board costs its case (an error); it comes up again and the run goes on.
    assert (found["tests"], found["failures"], found["errors"]) == ((len(INTS), 0, 1) if lost else (1, 0, 0))
    first, *rest = cases_of(testsuite).values()
    assert first.get("classname") == f"cases.ints.{INTS[0]}" and outcome(first) is None
    assert properties(first)["hil_verdict"] == "pass"
    errors = [(tc.get("classname"), outcome(tc).get("message")) for tc in rest if getattr(outcome(tc), "tag", "") == "error"]
    assert errors == ([(f"cases.ints.{INTS[1]}", "harness.errors.InfrastructureError: the board went away")] if lost else [])
    assert f"junit xml: {path}" in capsys.readouterr().out


# --- Where it goes, and where it does not -------------------------------------------------

@pytest.mark.parametrize("how", ["option", "environment"])
def test_no_reports_writes_no_file(tmp_path, how):
    env = {**os.environ, "HIL_NO_REPORTS": "1"} if how == "environment" else None
    proc = suite(tmp_path, str(CASES_DIR / "ints" / "add_sub_mul.py"), "--target=host32",
                 f"--junitxml={tmp_path / 'asked.xml'}", *(["--no-reports"] if how == "option" else []), env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not (tmp_path / "asked.xml").exists()
    # No file at all: no journal, no results file, no timing report.
    assert not (tmp_path / "reports").exists()
    assert "junit xml" not in proc.stdout and "host32: 1 pass" in proc.stdout


def test_junitxml_chooses_the_file(tmp_path):
    path = tmp_path / "ci" / "out" / "hil.xml"
    proc = suite(tmp_path, str(CASES_DIR / "ints" / "add_sub_mul.py"), "--target=host32", "--junitxml=ci/out/hil.xml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert counts(parse(path))["tests"] == 1 and f"junit xml: {path}" in proc.stdout
    assert written(tmp_path / "reports") == ["allure-results", "journal.jsonl", *data_files("host32")]
    folder = suite(tmp_path, str(CASES_DIR / "ints" / "add_sub_mul.py"), "--target=host32", f"--junitxml={tmp_path}")
    assert folder.returncode == 2 and f"--junitxml {tmp_path} is a folder" in folder.stderr


def test_a_terminated_run_writes_the_reports_of_the_cases_that_finished(tmp_path):
    """SIGTERM, as a CI job's time limit sends it, ends the run as Ctrl-C does: with its reports."""
    import signal
    import subprocess
    import sys
    import time

    out, path = tmp_path / "out", tmp_path / "j.xml"
    code = ("import sys; sys.modules['pytest'] = sys.modules['_pytest'] = None; "
            "from harness.__main__ import main; sys.exit(main(sys.argv[1:]))")
    proc = subprocess.Popen([sys.executable, "-c", code, "suite", str(CASES_DIR), "--target=host32",
                             f"--alluredir={out}", f"--junitxml={path}"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=reporting_env())
    deadline = time.monotonic() + 120
    while len(list(out.glob("*-result.json"))) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be terminated"
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert "terminated by signal 15" in stderr
    finished = len(list(out.glob("*-result.json")))
    testsuite = parse(path)
    assert 3 <= counts(testsuite)["tests"] == finished < len(list(CASES_DIR.rglob("*.py")))
    assert not list(tmp_path.glob(".j.xml.*.tmp"))
