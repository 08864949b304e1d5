"""Reports end to end: a small suite on two targets writes Allure results, JUnit XML and
the differential matrix; `make report`'s script turns the results into the HTML report,
twice, carrying history; headless Chromium opens it and finds the cases and a failing
case's diff, as a user reading the report would."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ET
from collections import Counter
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from harness.reports.allure_files import CATEGORIES

REPO = Path(__file__).resolve().parents[1]
TARGETS = "host,host32"


def write_suite(root: Path) -> None:
    (root / "pytest.ini").write_text("[pytest]\nhil_case_roots = mycases\n")
    cases = root / "mycases" / "area"
    cases.mkdir(parents=True)
    (cases / "good.py").write_text("print(sum(range(10)))\n")
    (cases / "bad.py").write_text("print('actual')\n")
    (cases / "bad.exp").write_text("# expected differs on purpose\nexpected\n")
    (cases / "needs_float.py").write_text("# requires: float\nprint(1.5)\n")
    (root / "mycases" / "other").mkdir()
    (root / "mycases" / "other" / "loop.py").write_text("print([i * i for i in range(5)])\n")


def run_suite(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
                          cwd=root, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def suite_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("reports")
    write_suite(root)
    # Leftovers of an earlier run are cleared: results hold one run.
    stale = root / "reports" / "allure-results"
    stale.mkdir(parents=True)
    (stale / "stale-result.json").write_text("{}")
    proc = run_suite(root, f"--target={TARGETS}", "mycases")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    return root, proc


def results(root: Path) -> dict[str, dict]:
    found = {}
    for path in (root / "reports" / "allure-results").glob("*-result.json"):
        data = json.loads(path.read_text())
        found[data["name"]] = data
    return found


def attachments(result: dict) -> dict[str, str]:
    def walk(item):
        yield from item.get("attachments", [])
        for step in item.get("steps", []):
            yield from walk(step)
    return {a["name"]: a["source"] for a in walk(result)}


def test_every_case_is_an_allure_result_with_steps_and_evidence(suite_run):
    root, _ = suite_run
    found = results(root)
    assert not (root / "reports" / "allure-results" / "stale-result.json").exists()
    assert sorted(found) == sorted(f"{case} on {target}" for case in ("area/good", "area/bad", "area/needs_float",
                                                                       "other/loop")
                                   for target in TARGETS.split(","))
    bad = found["area/bad on host32"]
    assert bad["status"] == "failed"
    assert "CaseVerdict: fail: area/bad on host32" in bad["statusDetails"]["message"]
    labels = {(label["name"], label["value"]) for label in bad["labels"]}
    assert {("epic", "area"), ("suite", "area"), ("tag", "host32")} <= labels
    assert {"name": "target", "value": "host32"} in bad["parameters"]
    steps = [step["name"] for step in bad["steps"]]
    assert any(s.startswith("build: build firmware for host32") for s in steps)
    assert any(s.startswith("flash: bring up host32") for s in steps)
    assert {"compile with mpy-cross", "push and run on host32", "expected output", "compare"} <= set(steps)
    compare = next(step for step in bad["steps"] if step["name"] == "compare")
    assert compare["status"] == "failed"
    files = attachments(bad)
    assert {"source", "blob disassembly", "device output", "expected output", "diff", "timing record"} <= set(files)
    folder = root / "reports" / "allure-results"
    assert "+actual" in (folder / files["diff"]).read_text()
    assert "LOAD_CONST_STRING" in (folder / files["blob disassembly"]).read_text() or \
        "LOAD_NAME print" in (folder / files["blob disassembly"]).read_text()
    assert (folder / files["source"]).read_text() == "print('actual')\n"
    assert "run_cycles" in json.loads((folder / files["timing record"]).read_text())["figures"]
    assert found["area/good on host"]["status"] == "passed"
    skipped = found["area/needs_float on host32"]
    assert skipped["status"] == "skipped" and "target lacks float" in skipped["statusDetails"]["message"]


def test_run_level_files_beside_the_results(suite_run):
    root, proc = suite_run
    folder = root / "reports" / "allure-results"
    assert json.loads((folder / "categories.json").read_text()) == CATEGORIES
    env = dict(line.split(" = ", 1) for line in (folder / "environment.properties").read_text().splitlines())
    assert env["vm"] == "micropython" and len(env["vm.source.sha256"]) == 64
    assert env["targets"] == TARGETS
    for target in TARGETS.split(","):
        assert len(env[f"{target}.firmware.build_id"]) == 16
        assert env[f"{target}.firmware.footprint"].startswith("text ")
        assert f"build={env[f'{target}.firmware.build_id']}" in env[f"{target}.device"]
    junit = ET.parse(root / "reports" / "junit.xml").getroot()
    verdicts = Counter(p.get("value") for p in junit.iter("property") if p.get("name") == "hil_verdict")
    assert verdicts == {"pass": 5, "fail": 2, "skip": 1}
    assert len(list(junit.iter("failure"))) == 2
    assert "differential matrix: " in proc.stdout


def test_differential_matrix_of_a_run_on_two_targets(suite_run):
    root, _ = suite_run
    reports = root / "reports"
    md = (reports / "matrix.md").read_text()
    # host has float, host32 (the g030 configuration) has not: the verdicts differ there.
    assert "| area/needs_float **(differs)** | pass | skip |" in md
    assert "| area/bad | fail | fail |" in md
    rows = (reports / "matrix.csv").read_text().splitlines()
    assert rows[0] == "case,targets disagree,host verdict,host ratio,host32 verdict,host32 ratio"
    assert (reports / "matrix.svg").read_text().startswith("<svg ")
    globals_ = [json.loads(p.read_text()) for p in (reports / "allure-results").glob("*-globals.json")]
    names = {a["name"] for g in globals_ for a in g.get("attachments", [])}
    assert names == {"differential matrix (md)", "differential matrix (csv)", "differential matrix (svg)"}


def test_infrastructure_failures_are_broken_not_failed(tmp_path):
    write_suite(tmp_path)
    # esp32 runs firmware the user provides: none given is a configuration problem, in setup.
    proc = run_suite(tmp_path, "--target=host32,esp32", "mycases/area/good.py")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    found = results(tmp_path)
    assert found["area/good on host32"]["status"] == "passed"
    result = found["area/good on esp32"]
    assert result["status"] == "broken"
    assert result["statusDetails"]["message"].startswith("harness.errors.ConfigError: ")
    rule = next(c for c in CATEGORIES if c["name"] == "Infrastructure: configuration")
    assert re.fullmatch(rule["messageRegex"], result["statusDetails"]["message"])
    assert not any(re.fullmatch(c["messageRegex"], result["statusDetails"]["message"])
                   for c in CATEGORIES if "failed" in c["matchedStatuses"])
    # The matrix shows the target never came up: no verdict, and not a failure.
    assert "| area/good **(differs)** | pass | infrastructure |" in (tmp_path / "reports" / "matrix.md").read_text()
    env = (tmp_path / "reports" / "allure-results" / "environment.properties").read_text()
    assert "esp32.status = never came up (see the broken cases)" in env


def test_a_run_of_other_tests_leaves_reports_alone(tmp_path):
    write_suite(tmp_path)
    (tmp_path / "test_plain.py").write_text("def test_plain():\n    assert True\n")
    proc = run_suite(tmp_path, "test_plain.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not (tmp_path / "reports").exists()


# --- the HTML report -------------------------------------------------------------------

def make_report(root: Path) -> subprocess.CompletedProcess:
    reports = root / "reports"
    env = {**os.environ, "HIL_ALLURE_RESULTS": str(reports / "allure-results"),
           "HIL_ALLURE_REPORT": str(reports / "allure-report"),
           "HIL_ALLURE_HISTORY": str(reports / "allure-history.jsonl")}
    return subprocess.run(["bash", str(REPO / "tools" / "report.sh")], env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def html_report(suite_run):
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("Node.js and npm are not installed (make setup installs them)")
    root, _ = suite_run
    first = make_report(root)
    assert first.returncode == 0, first.stdout + first.stderr
    # A second run of the same suite: its report carries the first as history.
    again = run_suite(root, f"--target={TARGETS}", "mycases")
    assert again.returncode == 1, again.stdout + again.stderr
    second = make_report(root)
    assert second.returncode == 0, second.stdout + second.stderr
    return root / "reports"


def failing_case_id(reports: Path) -> str:
    by_id = json.loads((reports / "allure-report" / "test-results.json").read_text())["byId"]
    return next(i for i, r in by_id.items() if r["name"] == "area/bad on host32")


def test_report_carries_history(html_report):
    assert len((html_report / "allure-history.jsonl").read_text().splitlines()) == 2
    bad = failing_case_id(html_report)
    data = json.loads((html_report / "allure-report" / "awesome" / "data" / "test-results" / f"{bad}.json")
                      .read_text())
    assert [h["status"] for h in data["history"]] == ["failed"]
    # The dashboard's trend: the earlier run from the history, then this one.
    charts = json.loads((html_report / "allure-report" / "dashboard" / "widgets" / "charts.json").read_text())
    (dynamics,) = [c for c in charts["general"].values() if c["type"] == "statusDynamics"]
    assert [point["id"] == "current" for point in dynamics["data"]] == [False, True]
    assert all(p["statistic"]["failed"] == 2 and p["statistic"]["passed"] == 5 for p in dynamics["data"])


def test_report_without_results_says_what_to_do(tmp_path):
    proc = make_report(tmp_path)
    assert proc.returncode == 2
    assert "no Allure results in" in proc.stderr and "run the suite first" in proc.stderr


@pytest.fixture(scope="module")
def served_report(html_report):
    handler = partial(QuietHandler, directory=str(html_report / "allure-report"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html", html_report
    server.shutdown()
    server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def browse(url: str, action: str, output: Path | None = None) -> str:
    """The page's DOM after its scripts ran (action "dump-dom"), or a screenshot."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install chromium; CI installs it via make setup)")
    with tempfile.TemporaryDirectory() as profile:
        args = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={profile}", "--window-size=1400,1400", "--virtual-time-budget=10000"]
        args += ["--dump-dom"] if action == "dump-dom" else [f"--screenshot={output}"]
        proc = subprocess.run(args + [url], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_browser_shows_the_cases(served_report, tmp_path):
    url, reports = served_report
    index = browse(url, "dump-dom")   # leads to the two reports
    assert "awesome" in index.lower() and "dashboard" in index.lower()
    url = url.replace("index.html", "awesome/index.html")
    dom = browse(url, "dump-dom")
    # Areas (epics) at the top, each case's targets below it; the first area opens by itself.
    for group in ("area", "other", "area/bad", "area/good", "area/needs_float"):
        assert f">{group}<" in dom, group
    assert "area/bad on host32" in dom
    assert "bytecode-hil conformance" in dom and "vm.source.sha256" in dom   # environment.properties
    browse(url, "screenshot", tmp_path / "overview.png")
    assert (tmp_path / "overview.png").stat().st_size > 10_000


def test_browser_shows_a_failing_case_and_its_diff(served_report):
    url, reports = served_report
    dom = browse(url.replace("index.html", f"awesome/index.html#{failing_case_id(reports)}"), "dump-dom")
    assert "area/bad on host32" in dom
    assert "Output mismatches" in dom   # its category
    assert "output differs from the expected output" in dom
    assert "-expected" in dom and "+actual" in dom   # the diff


def test_browser_shows_the_trend(served_report):
    url, _ = served_report
    dom = browse(url.replace("index.html", "dashboard/index.html"), "dump-dom")
    assert "Status dynamics" in dom


def test_both_pages_say_what_their_percentages_count(served_report):
    """5 of 8 pass, 1 is skipped: the overview shows 5/7, the dashboard 5/8; each page says which is which."""
    url, _ = served_report
    for page in ("awesome", "dashboard"):
        dom = browse(url.replace("index.html", f"{page}/index.html"), "dump-dom")
        assert "5 of 8 results passed, 1 skipped" in dom, page
        assert "The overview's figure, 71.42%, counts the passed of those that ran" in dom
        assert "the dashboard's current status, 62.5%, the passed of all results" in dom


def test_browser_shows_the_matrix_as_global_attachments(served_report):
    url, _ = served_report
    dom = browse(url.replace("index.html", "awesome/index.html#globalAttachments"), "dump-dom")
    for kind in ("svg", "md", "csv"):
        assert f"differential matrix ({kind})" in dom
