"""The A/B of two VM sources (harness/ab/, docs/ab.md).

Most of it runs on the toy VM (tests/toyvm/), whose "sources" are folders
holding its runner: a copy changed on purpose is a VM that got slower, or
prints something else, or whose compiler emits other code; its cycle counts
are exact line counts, so nothing here depends on timing. One small real
A/B runs MicroPython's pinned source against itself on qemu-m0.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import ConfigError, SourceError
from harness.reports.baseline import Baseline
from harness.suite.sources import PINNED, check_source, export_revision, parse_source
from harness.suite.verdict import CaseResult, Verdict, apply_baseline
from harness.targets import load_target
from harness.vmsource import VMSource

ROOT = Path(__file__).resolve().parent.parent
TOY = ROOT / "tests" / "toyvm"
SCRIPTS = {
    "ok.py": "print(sum(range(10)))\n",            # 45: B_WRONG prints 46
    "loop.py": "x = 0\nfor i in range(20):\n    x += i\nprint(x)\n",
}


def toy_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIL_NO_REPORTS", "HIL_TARGET", "HIL_AB"))}
    env.update(HIL_PLUGINS="toyvm_profile", HIL_TARGETS=str(TOY / "targets"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(TOY), env.get("PYTHONPATH", "")])), **extra)
    return env


def toy_source(folder: Path, *, line_cycles: int = 10, jitter: int = 0, wrong: bool = False, pad: int = 0) -> Path:
    """A toy VM "checkout": its runner, changed as asked."""
    text = (TOY / "booter.py").read_text()
    text = text.replace("LINE_CYCLES = 10 ", f"LINE_CYCLES = {line_cycles} ").replace("JITTER = 0 ", f"JITTER = {jitter} ")
    if wrong:
        text = text.replace("text, error = out.getvalue().encode()", "text, error = out.getvalue().replace('45', '46').encode()")
    folder.mkdir(parents=True)
    (folder / "booter.py").write_text(text)
    if pad:
        (folder / "pad.txt").write_text(str(pad))
    return folder


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "scripts"
    folder.mkdir()
    for name, text in SCRIPTS.items():
        (folder / name).write_text(text)
    return folder


def ab(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m harness ab`` on the toy target; ``suite`` when given ``--ab-against``."""
    command = "suite" if any(a.startswith("--ab-against") for a in args) else "ab"
    return subprocess.run([sys.executable, "-m", "harness", command, "--target=toy-host", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env=toy_env())


def rows(path: Path) -> dict[str, dict]:
    with open(path, newline="") as f:
        return {row["case"]: row for row in csv.DictReader(f)}


# --- sources --------------------------------------------------------------------------

def test_source_names_parse(tmp_path):
    assert parse_source("pinned") == parse_source(" pinned ") and parse_source(PINNED).pinned
    assert parse_source("pinned:1.8.6").pin == "1.8.6"
    found = parse_source(str(tmp_path))
    assert found.path == str(tmp_path) and not found.rev and not found.pinned
    at = parse_source(f"{tmp_path}@HEAD~2")
    assert (at.path, at.rev) == (str(tmp_path), "HEAD~2")
    # A path that is not there is the profile's to judge (--vm-src), unless strict (an A/B's sides).
    assert parse_source(str(tmp_path / "nope")).path == str(tmp_path / "nope")
    for bad, said in [("pinned:", "no pin after"), ("", "an empty source"), (f"{tmp_path}@", "no revision after"),
                      (str(tmp_path / "nope"), "no such folder or file"),
                      (f"{tmp_path / 'nope'}@HEAD", "no such folder or file")]:
        with pytest.raises(ConfigError, match=said):
            parse_source(bad, "--b", strict=True)


def git_repo(folder: Path, *versions: dict[str, str]) -> Path:
    """A git checkout with a commit per version of its files."""
    folder.mkdir(parents=True)
    run = lambda *a: subprocess.run(["git", "-C", str(folder), *a], check=True, capture_output=True)  # noqa: E731
    run("init", "-q")
    for i, files in enumerate(versions):
        for name, text in files.items():
            (folder / name).write_text(text)
        run("add", "-A")
        run("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", f"version {i}")
    return folder


def test_a_revision_is_exported_into_the_cache_and_the_checkout_left_alone(tmp_path):
    repo = git_repo(tmp_path / "co", {"a.txt": "one\n"}, {"a.txt": "two\n", "b.txt": "new\n"})
    (repo / "a.txt").write_text("edited, not committed\n")
    before = sorted(p.relative_to(repo) for p in repo.rglob("*"))
    folder, commit = export_revision(repo, "HEAD~1", tmp_path / "cache")
    assert (folder / "a.txt").read_text() == "one\n" and not (folder / "b.txt").exists()
    assert tmp_path / "cache" in folder.parents and len(commit) == 40
    assert export_revision(repo, "HEAD~1", tmp_path / "cache") == (folder, commit)   # once
    head, _ = export_revision(repo, "HEAD", tmp_path / "cache")
    assert (head / "a.txt").read_text() == "two\n"    # the commit, not the working tree
    assert sorted(p.relative_to(repo) for p in repo.rglob("*")) == before
    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == " M a.txt\n"


def test_bad_revisions_and_folders_are_usage_errors(tmp_path):
    repo = git_repo(tmp_path / "co", {"a.txt": "one\n"})
    with pytest.raises(ConfigError, match="no commit 'nope' in that checkout"):
        check_source(f"{repo}@nope", "--a")
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(ConfigError, match="is not a git checkout"):
        check_source(f"{plain}@HEAD", "--b")
    with pytest.raises(SourceError, match="no commit"):
        export_revision(repo, "-rf", tmp_path / "cache")   # not taken for an option of git's


@pytest.mark.parametrize("args, said", [
    (["--b=/nonexistent/vm"], "--b /nonexistent/vm: no such folder or file"),
    ([], "an A/B needs side B"),
    (["--b=pinned", "--a=pinned:9.9"], "--a pinned:9.9: ToyVM has no pinned source '9.9'"),
    # The same A/B through the suite command: --ab-against is side A, --vm-src (else pinned) side B.
    (["--ab-against=pinned", "--resume"], "--resume does not apply to an A/B"),
    (["--b=pinned", "--ab-tolerance=fast"], "--ab-tolerance 'fast' is not a share"),
    (["--b=pinned", "--target=nope"], "no target named 'nope'"),
])
def test_bad_input_is_one_clear_error_and_touches_nothing(tmp_path, corpus, args, said):
    earlier = tmp_path / "reports" / "allure-results" / "earlier.json"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("{}")
    proc = ab(tmp_path, str(corpus), *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert said in proc.stderr and "Traceback" not in proc.stderr
    assert earlier.exists()


# --- the A/B on the toy VM ----------------------------------------------------------------

def test_a_slower_vm_that_prints_wrong_fails_the_ab(tmp_path, corpus):
    a = toy_source(tmp_path / "a")
    b = toy_source(tmp_path / "b", line_cycles=13, wrong=True)
    proc = ab(tmp_path, str(corpus), f"--a={a}", f"--b={b}")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    found = rows(tmp_path / "reports" / "ab-toy-host.csv")
    assert (found["ok"]["verdict_a"], found["ok"]["verdict_b"], found["ok"]["verdict_change"]) == \
        ("pass", "fail", "worse")
    assert found["ok"]["output_differs"] == "yes"
    loop = found["loop"]
    # 43 lines (the loop's head 21 times, its body 20): 10 cycles each on A, 13 on B; 5 runs a side.
    assert (loop["cycles_a"], loop["cycles_b"], loop["change"], loop["timing"], loop["past_tolerance"]) == \
        ("430", "559", "0.3000", "slower", "yes")
    assert (loop["exact"], loop["range_a"], loop["blob"]) == ("no", "430-430", "same")
    assert list(found) == ["ok", "loop"]   # the verdict that got worse first
    md = (tmp_path / "reports" / "ab-toy-host.md").read_text()
    assert "| ok | pass | fail |" in md and "-45\n+46" in md and "Cycles are measured: each case ran 5 times" in md
    assert f"| A | {a} (version 0.1, source" in md
    svg = (tmp_path / "reports" / "ab-toy-host.svg").read_text()
    assert svg.startswith("<svg") and "loop: 430 -&gt; 559 cycles (+30.0%, slower)" in svg
    out = proc.stdout
    assert "ok on toy-host: pass -> fail" in out and "verdicts: 1 worse, 0 better, 1 outputs differ" in out
    assert "cycles: 2 slower (2 past the 10% tolerance)" in out
    assert "A/B: B is worse (exit status 1): toy-host: 1 verdicts worse; toy-host: 2 cases slower past" in out
    # Allure: each case's run on B, with the comparison attached; the report's files globally.
    results = [json.loads(p.read_text()) for p in (tmp_path / "reports" / "allure-results").glob("*-result.json")]
    assert sorted(r["name"] for r in results) == ["loop on toy-host", "ok on toy-host"]
    assert all(any(att["name"].startswith("A/B: ") for att in r["attachments"]) for r in results)
    globals_ = "".join(p.read_text() for p in (tmp_path / "reports" / "allure-results").glob("*-globals.json"))
    assert "A/B on toy-host (md)" in globals_ and "A/B on toy-host (svg)" in globals_


def test_a_tolerance_and_a_spread_decide_what_counts(tmp_path, corpus):
    a = toy_source(tmp_path / "a")
    slower = toy_source(tmp_path / "slower", line_cycles=13)
    proc = ab(tmp_path, str(corpus), f"--a={a}", f"--b={slower}", "--ab-tolerance=35%")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "cycles: 2 slower (0 past the 35% tolerance)" in proc.stdout
    assert "A/B: no change for the worse (exit status 0)" in proc.stdout
    # Every other run 3 cycles longer: B's range overlaps A's, no change.
    noisy = toy_source(tmp_path / "noisy", jitter=3)
    proc = ab(tmp_path, str(corpus), f"--a={a}", f"--b={noisy}", "--ab-tolerance=0")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    loop = rows(tmp_path / "reports" / "ab-toy-host.csv")["loop"]
    assert (loop["range_a"], loop["range_b"], loop["timing"]) == ("430-430", "430-433", "no change")


def test_a_change_of_the_compiler_alone_is_marked_so(tmp_path, corpus):
    a = toy_source(tmp_path / "a")
    b = toy_source(tmp_path / "b", pad=3)    # three more lines a program: other blobs, the same VM
    proc = ab(tmp_path, str(corpus), f"--a={a}", f"--b={b}")
    assert proc.returncode == 1, proc.stdout + proc.stderr   # slower is slower, whoever made it so
    loop = rows(tmp_path / "reports" / "ab-toy-host.csv")["loop"]
    assert (loop["blob"], loop["cycles_a"], loop["cycles_b"], loop["a_blob_on_b_cycles"]) == \
        ("differs", "430", "460", "430")
    assert (loop["vm_change"], loop["compiler_change"]) == ("0.0000", "0.0698")
    assert "the change is the compiler's, not the VM's" in loop["notes"]
    assert "ok             10 ->          40 cycles   +300.0%  (A's blob on B: VM 0, compiler +300.0%" in proc.stdout


def test_revisions_of_a_checkout_as_the_two_sides(tmp_path, corpus):
    base = (TOY / "booter.py").read_text()
    repo = git_repo(tmp_path / "toyvm", {"booter.py": base},
                    {"booter.py": base.replace("LINE_CYCLES = 10 ", "LINE_CYCLES = 11 ")})
    proc = ab(tmp_path, str(corpus), f"--a={repo}@HEAD~1", f"--b={repo}@HEAD", "--ab-tolerance=5%",
              f"--hil-cache={tmp_path / 'cache'}")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert rows(tmp_path / "reports" / "ab-toy-host.csv")["loop"]["change"] == "0.1000"
    assert f"A: {repo}@HEAD~1 (version 0.1, commit " in proc.stdout
    assert len([p for p in (tmp_path / "cache" / "checkouts").iterdir() if p.is_dir()]) == 2
    clean = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--ignored"], capture_output=True, text=True)
    assert clean.stdout == ""


def test_pytest_runs_the_same_ab(tmp_path, corpus):
    a = toy_source(tmp_path / "a")
    b = toy_source(tmp_path / "b", line_cycles=13, wrong=True)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(corpus),
                           "--target=toy-host", f"--vm-src={b}", f"--ab-against={a}"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, env=toy_env())
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "A/B against" in proc.stdout and "2 failed" in proc.stdout
    found = rows(tmp_path / "reports" / "ab-toy-host.csv")
    assert (found["ok"]["verdict_change"], found["loop"]["change"], found["loop"]["timing"]) == \
        ("worse", "0.3000", "slower")
    assert "toy-host: A/B of 2 cases" in proc.stdout
    # The command line's A/B of the same two sources gives the same table.
    (tmp_path / "cli").mkdir()
    assert ab(tmp_path / "cli", str(corpus), f"--a={a}", f"--b={b}").returncode == 1
    assert (tmp_path / "cli" / "reports" / "ab-toy-host.csv").read_text() == \
        (tmp_path / "reports" / "ab-toy-host.csv").read_text()
    same = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(corpus),
                           "--target=toy-host", f"--vm-src={a}", f"--ab-against={a}"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, env=toy_env())
    assert same.returncode == 0 and "2 passed" in same.stdout, same.stdout + same.stderr


# --- baselines keyed by source ----------------------------------------------------------------

def test_a_baseline_made_from_another_source_is_not_a_regression(tmp_path):
    target = load_target("qemu-m0")
    pinned = VMSource(root=tmp_path, digest="a" * 64, origin="pinned 1.23.0")
    checkout = VMSource(root=tmp_path, digest="b" * 64, origin="/src/micropython")
    record = {"case": "floats/x", "verdict": "pass", "figures": {"run_cycles": 1000, "clock_hz": 16000000}}
    made = Baseline(target, tmp_path, pinned)
    made.update([record], {})
    assert json.loads(made.path.read_text())["source"] == {"origin": "pinned 1.23.0", "digest": "a" * 64}
    assert Baseline(target, tmp_path, pinned).compare("floats/x", 3000).kind == "regression"
    other = Baseline(target, tmp_path, checkout).compare("floats/x", 3000)
    assert other.kind == "other-source" and "another VM source (pinned 1.23.0)" in other.describe()
    result = CaseResult("floats/x", "qemu-m0", Verdict.PASS, figures={"run_cycles": 3000})
    apply_baseline(result, other)
    assert result.verdict is Verdict.PASS and result.message.startswith("not compared with its baseline: 3000 cycles")
    assert result.figures["baseline"]["made_from"] == "pinned 1.23.0"
    # Written again from the checkout, the baseline is the checkout's alone.
    Baseline(target, tmp_path, checkout).update([{**record, "case": "floats/y"}], {})
    again = Baseline(target, tmp_path, checkout)
    assert list(again.cases) == ["floats/y"] and again.made_from["digest"] == "b" * 64


def test_the_committed_baselines_say_their_source():
    from harness.vms.micropython import PIN

    for name in ("qemu-m0", "qemu-g030"):
        assert Baseline(load_target(name)).made_from["digest"] == PIN.sha256


# --- one small real A/B ---------------------------------------------------------------------------

@pytest.mark.integration
def test_the_pinned_source_against_itself_on_qemu_m0(tmp_path):
    """Exact cycles: the same source twice is no change at all, case by case and section by section."""
    cases = [str(ROOT / "cases" / "ints" / "add_sub_mul.py"), str(ROOT / "cases" / "perf" / "crc16.py")]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HIL_NO_REPORTS", "HIL_TARGET", "HIL_AB"))}
    proc = subprocess.run([sys.executable, "-m", "harness", "ab", "--target=qemu-m0", "--a=pinned",
                           "--b=pinned:1.23.0", "--ab-tolerance=0", *cases], cwd=tmp_path, capture_output=True,
                          text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = rows(tmp_path / "reports" / "ab-qemu-m0.csv")
    for row in found.values():
        assert row["exact"] == "yes" and row["timing"] == "no change" and row["blob"] == "same"
        assert row["cycles_a"] == row["cycles_b"] and int(row["cycles_a"]) > 0
    assert found["perf/crc16"]["score_a"] == found["perf/crc16"]["score_b"] != ""
    md = (tmp_path / "reports" / "ab-qemu-m0.md").read_text()
    assert "Cycles are exact: QEMU's -icount" in md and "| .text | text |" in md
    assert "| flash (text + data) | total |" in md and "benchmarks: crc16" in md
    assert "cycles: 0 slower (0 past the 0% tolerance), 0 faster, 2 no change" in proc.stdout


def test_a_count_that_does_not_repeat_on_an_exact_target_is_not_judged():
    from harness.ab.compare import UNREPEATABLE, compare_case

    def seen(cycles, low, high):
        return {"case": "c", "target": "qemu-m0", "verdict": "pass", "actual": "1\n",
                "figures": {"run_cycles": cycles, "timing_range": [low, high]}}

    steady = compare_case(seen(100, 100, 100), seen(150, 150, 150), True, 0.1)
    assert (steady.timing, steady.past_tolerance, steady.worse) == ("slower", True, True)
    flaky = compare_case(seen(100, 100, 100), seen(150, 0, 300), True, 0.1)
    assert (flaky.timing, flaky.change, flaky.worse) == (UNREPEATABLE, None, False)
    assert "cycles did not repeat on an exact target (B 0 then 300)" in flaky.notes[0]
    # On a measured target a spread is what it is: ranges that overlap are no change.
    assert compare_case(seen(100, 90, 110), seen(105, 100, 120), False, 0.0).timing == "no change"


def test_pytest_leaves_boards_to_the_command_line(tmp_path):
    from harness.options import Settings
    from harness.pytest_ab import PytestAB

    with pytest.raises(ConfigError, match="g030 would have its board flashed twice per case"):
        PytestAB(Settings(target=["qemu-g030", "g030"], ab_against="pinned"), tmp_path)
