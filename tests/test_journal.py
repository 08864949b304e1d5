"""The results journal: nothing finished is lost when a run is killed, and
--resume goes on without running finished cases again."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness import procs
from harness.errors import ConfigError
from harness.procs import Terminated
from harness.reports.journal import Journal


def test_journal_round_trip_and_torn_lines(tmp_path):
    j = Journal(tmp_path / "j.jsonl", ["host32"])
    j.start(False, {})
    j.record({"nodeid": "a::host32", "verdict": "pass"})
    j.record({"nodeid": "b::host32", "verdict": "infrastructure"})
    j.record({"nodeid": "c::host32", "verdict": "timeout"})
    with open(j.path, "a") as f:
        f.write('{"nodeid": "d::host32", "verd')  # killed mid-line
    assert set(j.finished()) == {"a::host32", "c::host32"}
    with pytest.raises(ConfigError, match="is a run on host32, not on qemu-m0"):
        Journal(j.path, ["qemu-m0"]).finished()
    # A new run keeps the old journal beside it.
    Journal(j.path, ["host32"]).start(False, {})
    assert (tmp_path / "j.prev.jsonl").exists()


def test_resume_without_a_journal_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="no journal"):
        Journal(tmp_path / "none.jsonl", ["host32"]).finished()


def children_of(parent: int) -> set[int]:
    pids = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                # The field after the parenthesised name: state, then the parent's PID.
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == parent:
                    pids.add(int(proc.name))
            except (OSError, IndexError, ValueError):
                pass
    return pids


def alive(pid: int) -> bool:
    """Running, not a zombie waiting for init to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


RUN_ARGS = [sys.executable, "-m", "pytest", "--target=host32", "-p", "no:cacheprovider", "-q", "suite"]


def run_into_a_slow_case(tmp_path: Path) -> tuple[subprocess.Popen, set[int]]:
    """A run of three quick cases, a slow one and three more, caught in the
    slow one: the process and its host runners."""
    suite = tmp_path / "suite"
    (suite / "c").mkdir(parents=True)
    (tmp_path / "pytest.ini").write_text("[pytest]\nhil_case_roots = suite\n")
    for i in range(3):
        (suite / "c" / f"a{i}.py").write_text(f"print({i})\n")
    # Long enough to be stopped in the middle of it.
    (suite / "c" / "b_slow.py").write_text("# timeout: 60\nx = 0\nwhile x < 10**9:\n    x += 1\n")
    for i in range(3):
        (suite / "c" / f"c{i}.py").write_text(f"print({i} * 2)\n")
    journal = tmp_path / "reports" / "journal.jsonl"
    proc = subprocess.Popen(RUN_ARGS, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if journal.exists() and journal.read_text().count('"verdict"') >= 3:
            break
        time.sleep(0.05)
    time.sleep(0.3)  # into the slow case
    runners = children_of(proc.pid)
    assert runners, "the run should have a host runner going"
    return proc, runners


def test_killed_run_keeps_finished_cases_and_resumes(tmp_path):
    proc, runners = run_into_a_slow_case(tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    journal = tmp_path / "reports" / "journal.jsonl"
    records = [json.loads(line) for line in journal.read_text().splitlines()]
    done = [r["nodeid"] for r in records if "verdict" in r]
    assert done == [f"suite/c/a{i}.py::host32" for i in range(3)]
    time.sleep(0.5)
    assert not [pid for pid in runners if alive(pid)], "the runner outlived the killed harness"

    (tmp_path / "suite" / "c" / "b_slow.py").write_text("print('now quick')\n")
    resumed = subprocess.run(RUN_ARGS + ["--resume", "-rA"], cwd=tmp_path, capture_output=True, text=True)
    out = resumed.stdout
    assert resumed.returncode == 0, out
    assert "3 deselected" in out and "4 passed" in out
    assert "host32: 7 pass" in out
    assert "a0.py" not in out.split("short test summary")[-1]
    # Every report covers the whole run, the journaled cases too.
    import xml.etree.ElementTree as ET

    testsuite = ET.parse(tmp_path / "reports" / "junit.xml").getroot()[0]
    assert (testsuite.get("tests"), testsuite.get("failures"), testsuite.get("errors")) == ("7", "0", "0")
    names = sorted(tc.get("classname") for tc in testsuite.iter("testcase"))
    assert names == sorted([f"suite.c.a{i}" for i in range(3)] + ["suite.c.b_slow"] + [f"suite.c.c{i}" for i in range(3)])
    assert len((tmp_path / "reports" / "results-host32.jsonl").read_text().splitlines()) == 7


def test_the_command_line_resumes_a_killed_run_and_reports_the_whole_run(tmp_path):
    import xml.etree.ElementTree as ET

    suite = tmp_path / "cases"
    suite.mkdir()
    for i in range(3):
        (suite / f"a{i}.py").write_text(f"print({i})\n")
    (suite / "b_slow.py").write_text("x = 0\nwhile x < 10**9:\n    x += 1\n")
    (suite / "c0.py").write_text("print('last')\n")
    args = [sys.executable, "-m", "harness", "suite", str(suite), "--target=host32", "--case-timeout=60"]
    proc = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    journal = tmp_path / "reports" / "journal.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (journal.exists() and journal.read_text().count('"verdict"') >= 3):
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    (suite / "b_slow.py").write_text("print('now quick')\n")
    resumed = subprocess.run(args + ["--resume"], cwd=tmp_path, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "host32: 5 pass" in resumed.stdout
    testsuite = ET.parse(tmp_path / "reports" / "junit.xml").getroot()[0]
    assert testsuite.get("tests") == "5"
    results = tmp_path / "reports" / "allure-results"
    assert len(list(results.glob("*-result.json"))) == 5   # the first run's three kept


def test_terminated_run_ends_as_on_ctrl_c_with_its_reports(tmp_path):
    """SIGTERM, as a CI job's time limit sends it: the summary, the results
    file and the JUnit XML hold the cases that finished, the runner stops."""
    import xml.etree.ElementTree as ET

    proc, runners = run_into_a_slow_case(tmp_path)
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == pytest.ExitCode.INTERRUPTED, out
    assert "Terminated: terminated by signal 15" in out and "host32: 3 pass" in out
    reports = tmp_path / "reports"
    testsuite = ET.parse(reports / "junit.xml").getroot()[0]
    assert testsuite.get("tests") == "3" and testsuite.get("failures") == "0"
    assert len((reports / "results-host32.jsonl").read_text().splitlines()) == 3
    time.sleep(0.5)
    assert not [pid for pid in runners if alive(pid)], "the runner outlived the run"


def test_run_state_tells_a_script_whether_to_resume(tmp_path):
    from harness.reports.journal import run_state

    path = tmp_path / "journal.jsonl"
    assert run_state(path) == "none"
    j = Journal(path, ["g030"])
    j.start(False, {})
    j.record({"nodeid": "a::g030", "verdict": "pass"})
    j.record({"nodeid": "b::g030", "verdict": "infrastructure"})
    assert run_state(path) == "unfinished"  # killed before its end
    assert run_state(path, ["g030"]) == "unfinished"
    assert run_state(path, ["host32", "qemu-m0"]) == "other"  # another job's journal
    j.finish({"pass": 1})
    assert run_state(path) == "infrastructure 1"
    resumed = Journal(path, ["g030"])
    resumed.start(True, {})
    with open(path, "a") as f:
        f.write('{"nodeid": "b::g030", "verd')  # killed mid-line
    assert run_state(path) == "unfinished"
    with open(path, "a") as f:
        f.write("\n")
    resumed.record({"nodeid": "b::g030", "verdict": "timeout"})
    resumed.finish({"pass": 1, "timeout": 1})
    assert run_state(path) == "done"


@pytest.mark.parametrize("signum, raised", [(signal.SIGTERM, Terminated), (signal.SIGINT, KeyboardInterrupt)])
def test_a_signal_while_a_case_is_reported_waits_until_every_report_has_it(signum, raised):
    """A run terminated while a case goes to its reports: every report
    has the case, then the run unwinds (not the journal without JUnit)."""
    before = signal.signal(signal.SIGTERM, procs._terminate), signal.signal(signal.SIGINT, signal.default_int_handler)
    reported = []
    try:
        with pytest.raises(raised):
            with procs.interrupts_held():
                os.kill(os.getpid(), signum)
                for sink in ("journal", "results", "allure", "junit"):
                    time.sleep(0.01)   # time for the handler to run, were the signal not held
                    reported.append(sink)
        assert reported == ["journal", "results", "allure", "junit"]
        assert signal.getsignal(signal.SIGTERM) is procs._terminate
    finally:
        signal.signal(signal.SIGTERM, before[0])
        signal.signal(signal.SIGINT, before[1])
