"""Allure results of `python -m harness suite`, the library's command line,
without pytest: the same results as a pytest run of the same cases (steps,
attachments, labels, history ids, categories), and nothing written where it
must not be (a corpus, a run told to write no reports)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from allure_commons.utils import md5
from test_report import attachments, make_report

import harness.__main__ as cli
from harness.errors import InfrastructureError
from harness.paths import CASES_DIR, REPO_ROOT
from harness.reports.allure_files import CATEGORIES
from harness.suite.session import SuiteRun

INTS = [p.stem for p in sorted((CASES_DIR / "ints").glob("*.py")) if not p.name.startswith("_")]


def suite(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m harness suite ARGS``, with pytest made unimportable: the command line must not need it."""
    code = ("import sys; sys.modules['pytest'] = sys.modules['_pytest'] = None; "
            "from harness.__main__ import main; sys.exit(main(sys.argv[1:]))")
    return subprocess.run([sys.executable, "-c", code, "suite", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env or reporting_env())


def reporting_env() -> dict:
    return {k: v for k, v in os.environ.items() if k != "HIL_NO_REPORTS"}


@pytest.fixture(autouse=True)
def reports_wanted(monkeypatch):
    monkeypatch.delenv("HIL_NO_REPORTS", raising=False)   # for the runs in this process


def results(folder: Path) -> dict[str, dict]:
    return {data["name"]: data for data in (json.loads(p.read_text()) for p in folder.glob("*-result.json"))}


def category(result: dict) -> str | None:
    """The categories.json rule a result lands in (first match), as Allure sorts them."""
    message = (result.get("statusDetails") or {}).get("message", "")
    return next((c["name"] for c in CATEGORIES if result["status"] in c["matchedStatuses"]
                 and re.fullmatch(c.get("messageRegex", r"[\s\S]*"), message)), None)


def labels(result: dict) -> dict[str, str]:
    return {label["name"]: label["value"] for label in result["labels"]}


def write_corpus(root: Path) -> Path:
    corpus = root / "theirs"
    corpus.mkdir(parents=True)
    (corpus / "good.py").write_text("print(sum(range(10)))\n")
    (corpus / "bad.py").write_text("print('actual')\n")
    (corpus / "bad.py.exp").write_text("expected\n")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "loop.py").write_text("print([i * i for i in range(5)])\n")
    return corpus


def data_files(target: str, plot: bool = False) -> list[str]:
    """The results file and timing report a run writes per target, reports or not, as pytest's
    (the timing plot where the target has a host reference to compare with); beside them, once
    a run, the journal."""
    return [f"results-{target}.jsonl", f"timing-{target}.csv", f"timing-{target}.md"] + \
        ([f"timing-{target}.svg"] if plot else [])


def written(folder: Path) -> list[str]:
    """What a run left in its reports folder (but the lock file that held it for the run)."""
    return sorted(p.name for p in folder.iterdir() if p.name != ".lock")


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else b"")
            for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def ints_run(tmp_path_factory):
    """cases/ints on host32, run from a fresh folder holding leftovers of an earlier run."""
    cwd = tmp_path_factory.mktemp("cli")
    stale = cwd / "reports" / "allure-results"
    stale.mkdir(parents=True)
    (stale / "stale-result.json").write_text("{}")
    proc = suite(cwd, str(CASES_DIR / "ints"), "--target=host32")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return cwd / "reports" / "allure-results", proc


def test_every_case_is_a_result_with_steps_and_evidence(ints_run):
    folder, proc = ints_run
    found = results(folder)
    assert not (folder / "stale-result.json").exists()   # one run, one set of results
    assert sorted(found) == sorted(f"ints/{name} on host32" for name in INTS)
    assert [r["status"] for r in found.values()].count("passed") == len(INTS) - 1
    skipped = found["ints/smallint_cross_boundary on host32"]
    assert skipped["status"] == "skipped" and skipped["statusDetails"]["message"] == "target lacks bigint"
    result = found["ints/add_sub_mul on host32"]
    assert result["description"] == "Case `ints/add_sub_mul` (add_sub_mul.py) on target `host32`."
    assert {"epic": "ints", "parentSuite": "conformance", "suite": "ints", "subSuite": "ints/add_sub_mul",
            "feature": "ints", "tag": "host32", "framework": "bytecode-hil",
            "package": "cases.ints.add_sub_mul"}.items() <= labels(result).items()
    assert result["parameters"] == [{"name": "target", "value": "host32"}]
    steps = [step["name"] for step in result["steps"]]
    assert steps[0].startswith("build: build firmware for host32 (")   # built or cached
    assert steps[1:] == ["flash: bring up host32 (process)", "compile with mpy-cross", "push and run on host32",
                         "expected output", "compare"]
    assert all(step["status"] == "passed" for step in result["steps"])
    assert result["start"] <= result["stop"]
    files = attachments(result)
    assert sorted(files) == ["blob disassembly", "device output", "expected output", "source", "timing record"]
    assert (folder / files["source"]).read_text() == (CASES_DIR / "ints" / "add_sub_mul.py").read_text()
    assert "run_cycles" in json.loads((folder / files["timing record"]).read_text())["figures"]
    for name in files.values():
        assert (folder / name).is_file()
    assert not list(folder.glob("*.tmp"))


def test_history_ids_are_allure_pytests_and_stable(ints_run, tmp_path):
    folder, _ = ints_run
    result = results(folder)["ints/add_sub_mul on host32"]
    # What allure-pytest derives from the item cases/ints/add_sub_mul.py::host32.
    assert result["fullName"] == "cases.ints.add_sub_mul#host32"
    assert result["testCaseId"] == md5("cases.ints.add_sub_mul#host32")
    assert result["historyId"] == md5("cases.ints.add_sub_mul#host32", "host32")
    assert result["titlePath"] == ["cases", "ints", "add_sub_mul.py"]
    again = suite(tmp_path, str(CASES_DIR / "ints" / "add_sub_mul.py"), "--target=host32")
    assert again.returncode == 0, again.stdout + again.stderr
    (second,) = results(tmp_path / "reports" / "allure-results").values()
    assert (second["historyId"], second["uuid"] != result["uuid"]) == (result["historyId"], True)


def test_run_level_files_and_where_they_went(ints_run):
    folder, proc = ints_run
    assert json.loads((folder / "categories.json").read_text()) == CATEGORIES
    env = dict(line.split(" = ", 1) for line in (folder / "environment.properties").read_text().splitlines())
    assert env["vm"] == "micropython" and env["targets"] == "host32"
    assert f"build={env['host32.firmware.build_id']}" in env["host32.device"]
    folder = folder.resolve()
    assert f"allure results: {folder} (HIL_ALLURE_RESULTS={folder} make -C {REPO_ROOT} report" in proc.stdout


def test_an_emulated_target_with_its_host_reference(tmp_path):
    proc = suite(tmp_path, str(CASES_DIR / "ints" / "add_sub_mul.py"), "--target=qemu-m0",
                 f"--alluredir={tmp_path / 'out'}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (result,) = results(tmp_path / "out").values()
    assert result["status"] == "passed"
    steps = [step["name"] for step in result["steps"]]
    assert [step.split(" (")[0] for step in steps[:4]] == [
        "build: build firmware for qemu-m0", "flash: bring up qemu-m0",
        "build: build firmware for host32-m0", "flash: bring up host32-m0"]
    assert "run on the host reference host32-m0" in steps
    assert {"device output", "host output"} <= set(attachments(result))
    assert "qemu-m0.reference = host32-m0: " in (tmp_path / "out" / "environment.properties").read_text()
    # As pytest's --alluredir leaves it: no allure-results there.
    assert written(tmp_path / "reports") == ["journal.jsonl", "junit.xml", *data_files("qemu-m0", plot=True)]


# --- A corpus, failing scripts, and the same results as pytest's -------------------------

def run_both(corpus: Path, targets: str = "host32") -> subprocess.CompletedProcess:
    """The corpus (with a failing script), run on ``targets`` by the command
    line in cli/ beside it and by pytest in its parent; the command line's run."""
    root = corpus.parent
    before = snapshot(corpus)
    (root / "cli").mkdir()
    proc = suite(root / "cli", str(corpus), f"--target={targets}")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    # Started in the corpus's parent, pytest roots its test ids there: theirs/bad.py::host32.
    ran = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", corpus.name,
                          f"--target={targets}"], cwd=root, capture_output=True, text=True, timeout=300,
                         env=reporting_env())
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert snapshot(corpus) == before   # neither run wrote into their folder
    return proc


@pytest.fixture(scope="module")
def corpus_runs(tmp_path_factory):
    """One corpus, run by the command line and by pytest, each from its own folder."""
    root = tmp_path_factory.mktemp("corpus")
    return root, run_both(write_corpus(root))


def test_a_failing_script_is_failed_with_its_diff_in_output_mismatches(corpus_runs):
    root, proc = corpus_runs
    folder = root / "cli" / "reports" / "allure-results"
    found = results(folder)
    assert sorted(found) == ["bad on host32", "good on host32", "sub/loop on host32"]
    bad = found["bad on host32"]
    assert bad["status"] == "failed"
    assert bad["statusDetails"]["message"].startswith("fail: bad on host32: output differs from the expected output")
    assert "+actual" in bad["statusDetails"]["trace"] and f"case: {root / 'theirs' / 'bad.py'}" in \
        bad["statusDetails"]["trace"]
    assert category(bad) == "Output mismatches"
    assert next(step for step in bad["steps"] if step["name"] == "compare")["status"] == "failed"
    diff = (folder / attachments(bad)["diff"]).read_text()
    assert "-expected" in diff and "+actual" in diff
    assert (found["good on host32"]["status"], category(found["good on host32"])) == ("passed", None)


def test_the_command_line_writes_what_pytest_writes(corpus_runs):
    root, _ = corpus_runs
    ours = results(root / "cli" / "reports" / "allure-results")
    theirs = results(root / "reports" / "allure-results")
    assert sorted(ours) == sorted(theirs)

    def shape(result: dict) -> dict:
        def steps(item):
            return [(s["name"], s["status"], [p["name"] for p in s.get("parameters", [])], steps(s))
                    for s in item.get("steps", [])]
        return {"identity": [result.get(k) for k in ("fullName", "testCaseId", "historyId", "titlePath",
                                                    "description", "parameters", "status")],
                "labels": {k: v for k, v in labels(result).items() if k not in ("framework", "thread")},
                "steps": steps(result), "attachments": sorted(attachments(result)), "category": category(result)}

    assert ours["sub/loop on host32"]["fullName"] == "theirs.sub.loop#host32"
    for name in ours:
        assert shape(ours[name]) == shape(theirs[name]), name
    # pytest names the exception; the command line gives the verdict's summary alone.
    assert theirs["bad on host32"]["statusDetails"]["message"] == \
        "harness.plugin.CaseVerdict: " + ours["bad on host32"]["statusDetails"]["message"]


def test_make_report_takes_the_command_lines_results(corpus_runs):
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("Node.js and npm are not installed (make setup installs them)")
    root, _ = corpus_runs
    proc = make_report(root / "cli")   # what make report runs, on HIL_ALLURE_RESULTS=<that folder>
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = root / "cli" / "reports" / "allure-report" / "awesome" / "data" / "test-results"
    bad = next(r for r in (json.loads(p.read_text()) for p in data.glob("*.json")) if r["name"] == "bad on host32")
    assert [c["name"] for c in bad["categories"]] == ["Output mismatches"]
    assert bad["fullName"] == "theirs.bad#host32"


def test_run_from_inside_a_corpus_leaves_it_and_every_other_folder_untouched(tmp_path, monkeypatch, capsys):
    """The reports would go into the corpus: a clear error before anything runs, and no
    other folder (the project's reports/ were once chosen instead, and emptied) is written."""
    corpus = write_corpus(tmp_path)
    before = snapshot(corpus)
    project = snapshot(REPO_ROOT / "reports") if (REPO_ROOT / "reports").is_dir() else {}
    monkeypatch.chdir(corpus / "sub")
    assert cli.main(["suite", "..", "--target=host32"]) == 2
    err = capsys.readouterr().err
    assert f"(below where the run started) is inside the corpus {corpus}" in err and "--reports-dir" in err
    assert snapshot(corpus) == before
    assert (snapshot(REPO_ROOT / "reports") if (REPO_ROOT / "reports").is_dir() else {}) == project
    # With a reports folder of its own, it runs, and writes there alone.
    elsewhere = tmp_path / "elsewhere"
    assert cli.main(["suite", "..", "--target=host32", f"--reports-dir={elsewhere}"]) == 1
    assert len(results(elsewhere / "allure-results")) == 3
    assert len(list(ET.parse(elsewhere / "junit.xml").iter("testcase"))) == 3
    assert snapshot(corpus) == before
    # An --alluredir or --junitxml inside the corpus is refused before anything runs.
    for option, value in (("--alluredir", "results"), ("--junitxml", "j.xml")):
        assert cli.main(["suite", "..", "--target=host32", f"--reports-dir={elsewhere}", f"{option}={value}"]) == 2
        assert f"{option} {value} is inside the corpus {corpus}" in capsys.readouterr().err
    assert snapshot(corpus) == before


def test_a_second_run_in_one_reports_folder_says_which_run_holds_it(tmp_path):
    from harness.reports.folder import ReportsLock

    held = ReportsLock(tmp_path / "reports")
    held.acquire()
    earlier = tmp_path / "reports" / "allure-results" / "earlier-result.json"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("{}")
    try:
        proc = suite(tmp_path, str(CASES_DIR / "ints" / "add_sub_mul.py"), "--target=host32")
        assert proc.returncode == 2 and f"the reports folder {tmp_path / 'reports'} is in use by process {os.getpid()}" \
            in proc.stderr
        assert earlier.exists()   # nothing of the holder's cleared
        ran = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                              str(CASES_DIR / "ints" / "add_sub_mul.py"), "--target=host32",
                              f"--reports-dir={tmp_path / 'reports'}"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=300, env=reporting_env())
        assert ran.returncode == 4 and "is in use by process" in ran.stderr and earlier.exists()
    finally:
        held.release()
    assert suite(tmp_path, str(CASES_DIR / "ints" / "add_sub_mul.py"), "--target=host32").returncode == 0


# --- Infrastructure trouble, interruptions, no reports -----------------------------------

@pytest.mark.parametrize("args, rule, error", [
    # esp32 runs firmware the user provides: none given is a configuration problem.
    (["--target=esp32"], "Infrastructure: configuration", "harness.errors.ConfigError: esp32 runs firmware you provide"),
    (["--target=host32", "--vm-src=/nonexistent/micropython"], "Infrastructure: build",
     "harness.errors.SourceError: --vm-src /nonexistent/micropython: no such folder"),
])
def test_a_target_that_cannot_come_up_gives_broken_results(tmp_path, args, rule, error):
    proc = suite(tmp_path, str(CASES_DIR / "ints" / "add_sub_mul.py"), str(CASES_DIR / "ints" / "bool_arithmetic.py"),
                 *args)
    assert proc.returncode == 2 and "bytecode-hil: error: " in proc.stderr
    folder = tmp_path / "reports" / "allure-results"
    found = results(folder)
    target = args[0].split("=")[1]
    assert sorted(found) == [f"ints/add_sub_mul on {target}", f"ints/bool_arithmetic on {target}"]
    for result in found.values():
        assert result["status"] == "broken" and result["statusDetails"]["message"].startswith(error)
        assert category(result) == rule
    assert f"{target}.status = never came up (see the broken cases)" in \
        (folder / "environment.properties").read_text()
    assert "allure results: " in proc.stdout


def fail_second_case(monkeypatch, error: BaseException) -> None:
    """SuiteRun.run_case as it is, but the second case raises ``error`` once it has attached its source."""
    run_case, calls = SuiteRun.run_case, []

    def flaky(self, case, recorder):
        calls.append(case.id)
        if len(calls) == 2:
            recorder.attach("source", "half a case")
            raise error
        return run_case(self, case, recorder)

    monkeypatch.setattr(SuiteRun, "run_case", flaky)


def test_a_board_lost_mid_run_keeps_finished_results(tmp_path, monkeypatch):
    fail_second_case(monkeypatch, InfrastructureError("the board went away"))
    folder = tmp_path / "out"
    monkeypatch.chdir(tmp_path)   # its reports/: the JUnit XML, results files, timing
    assert cli.main(["suite", str(CASES_DIR / "ints"), "--target=host32", f"--alluredir={folder}"]) == 2
    found = results(folder)
    # The lost case is broken; the board comes up again and the run goes on.
    assert sorted(found) == sorted(f"ints/{name} on host32" for name in INTS)
    first, lost, *rest = (found[f"ints/{name} on host32"] for name in INTS)
    assert first["status"] == "passed" and {r["status"] for r in rest} <= {"passed", "skipped"}
    assert lost["status"] == "broken" and category(lost) == "Infrastructure: board or emulator lost"
    assert lost["statusDetails"]["message"] == "harness.errors.InfrastructureError: the board went away"
    assert (folder / "environment.properties").is_file() and (folder / "categories.json").is_file()


def test_an_interrupted_run_leaves_complete_files_of_finished_cases(tmp_path, monkeypatch):
    fail_second_case(monkeypatch, KeyboardInterrupt())
    folder = tmp_path / "out"
    monkeypatch.chdir(tmp_path)   # its reports/: the JUnit XML, results files, timing
    assert cli.main(["suite", str(CASES_DIR / "ints"), "--target=host32", f"--alluredir={folder}"]) == 130
    (only,) = results(folder).values()   # the interrupted case leaves no result, and no attachment
    assert only["name"] == f"ints/{INTS[0]} on host32" and only["status"] == "passed"
    written = {p.name for p in folder.iterdir()}
    assert written == {*attachments(only).values(), *(p.name for p in folder.glob("*-result.json")),
                       "categories.json", "environment.properties"}


@pytest.mark.parametrize("how", ["option", "environment"])
def test_no_reports_writes_nothing(tmp_path, how):
    stale = tmp_path / "reports" / "allure-results"
    stale.mkdir(parents=True)
    (stale / "earlier-result.json").write_text("{}")
    env = {**os.environ, "HIL_NO_REPORTS": "1"} if how == "environment" else None
    proc = suite(tmp_path, str(CASES_DIR / "ints" / "add_sub_mul.py"), "--target=host32",
                 *(["--no-reports"] if how == "option" else []), env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [p.name for p in stale.iterdir()] == ["earlier-result.json"]   # not even emptied
    assert "allure results" not in proc.stdout


def test_an_alluredir_is_kept_unless_told(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "kept.txt").write_text("x")
    case = str(CASES_DIR / "ints" / "add_sub_mul.py")
    assert suite(tmp_path, case, "--target=host32", f"--alluredir={folder}").returncode == 0
    assert (folder / "kept.txt").exists() and len(results(folder)) == 1
    assert suite(tmp_path, case, "--target=host32", f"--alluredir={folder}", "--clean-alluredir").returncode == 0
    assert not (folder / "kept.txt").exists() and len(results(folder)) == 1
    # As pytest's --alluredir leaves it: no allure-results there.
    # Two runs: the first's journal is kept beside the second's, as under pytest.
    assert written(tmp_path / "reports") == \
        ["journal.jsonl", "journal.prev.jsonl", "junit.xml", *data_files("host32")]


def test_a_misspelt_target_is_a_clear_error_that_keeps_the_last_run_s_reports(tmp_path):
    previous = tmp_path / "reports" / "allure-results" / "earlier-result.json"
    previous.parent.mkdir(parents=True)
    previous.write_text("{}")
    proc = suite(tmp_path, str(CASES_DIR / "ints"), "--target=qemu-mo")
    assert proc.returncode == 2
    assert "no target named 'qemu-mo'" in proc.stderr and "available targets:" in proc.stderr
    assert [p.name for p in (tmp_path / "reports").rglob("*")] == ["allure-results", "earlier-result.json"]
