"""A second VM added from outside the project runs through both front ends.

The toy VM (tests/toyvm/: a profile whose compiler is a Python function, a
runner that is a Python process speaking the booter protocol, a target file)
is found through $HIL_PLUGINS and $HIL_TARGETS alone. A run on a MicroPython
target and the toy's prepares and uses one toolchain per VM.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TOY = Path(__file__).resolve().parent / "toyvm"
SCRIPTS = {
    "ok.py": "print(sum(range(10)))\n",
    "raises.py": "print('before')\nraise ValueError('boom')\n",
    "raises.py.exp": "before\nValueError: boom\n",   # a corpus's uncaught error needs its .exp (docs/corpus.md)
    "wrong.py": "print('actual')\n",
    "wrong.py.exp": "expected\n",
    "syntax.py": "print(\n",
}
VERDICTS = {"ok": "pass", "raises": "pass", "wrong": "fail", "syntax": "fail"}


def toy_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("HIL_NO_REPORTS", "HIL_TARGET")}
    env.update(HIL_PLUGINS="toyvm_profile", HIL_TARGETS=str(TOY / "targets"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(TOY), env.get("PYTHONPATH", "")])), **extra)
    return env


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "scripts"
    folder.mkdir()
    for name, text in SCRIPTS.items():
        (folder / name).write_text(text)
    return folder


def records(path: Path) -> dict[str, dict]:
    return {r["case"]: r for r in map(json.loads, path.read_text().splitlines())}


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harness", "suite", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=toy_env())


def test_the_command_line_runs_a_vm_it_was_not_built_with(corpus, tmp_path):
    proc = cli(tmp_path, str(corpus), "--target=toy-host")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    found = records(tmp_path / "reports" / "results-toy-host.jsonl")
    assert {case: r["verdict"] for case, r in found.items()} == VERDICTS
    assert found["syntax"]["kind"] == "compile-error"
    assert found["syntax"]["message"].startswith("toyc rejected the case:\nSyntaxError")
    assert found["ok"]["figures"]["run_cycles"] > 0
    assert "fail: wrong on toy-host: output differs from the expected output" in proc.stdout


def test_pytest_runs_it_alike(corpus, tmp_path):
    (tmp_path / "cli").mkdir()
    proc = cli(tmp_path / "cli", str(corpus), "--target=toy-host")
    ran = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(corpus),
                          "--target=toy-host"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env=toy_env())
    assert ran.returncode == 1, ran.stdout + ran.stderr
    ours, theirs = (records(root / "reports" / "results-toy-host.jsonl") for root in (tmp_path / "cli", tmp_path))
    for found in (ours, theirs):
        for r in found.values():
            del r["figures"], r["nodeid"]
    assert ours == theirs and proc.returncode == 1
    assert "toy-host: 2 pass, 2 fail" in ran.stdout


@pytest.mark.parametrize("front_end", ["cli", "pytest"])
def test_two_vms_in_one_run_each_with_its_toolchain(corpus, tmp_path, front_end):
    for name in ("wrong.py", "wrong.py.exp", "syntax.py"):
        (corpus / name).unlink()
    targets = "--target=host32,toy-host"
    if front_end == "cli":
        proc = cli(tmp_path, str(corpus), targets)
    else:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(corpus), targets],
                              cwd=tmp_path, capture_output=True, text=True, timeout=300, env=toy_env())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for target in ("host32", "toy-host"):
        found = records(tmp_path / "reports" / f"results-{target}.jsonl")
        assert {case: r["verdict"] for case, r in found.items()} == {"ok": "pass", "raises": "pass"}
    env = (tmp_path / "reports" / "allure-results" / "environment.properties").read_text()
    assert "host32.vm = micropython" in env and "toy-host.vm = toyvm" in env
    assert "| ok | pass | pass |" in (tmp_path / "reports" / "matrix.md").read_text()


def test_one_toolchain_per_vm_prepared_once(corpus, tmp_path, monkeypatch):
    """In process: the runner gives each target the toolchain of its VM, and
    each VM's compiler compiles the cases of its targets only."""
    for key, value in toy_env().items():
        if key in ("HIL_PLUGINS", "HIL_TARGETS"):
            monkeypatch.setenv(key, value)
    monkeypatch.syspath_prepend(str(TOY))
    from harness.options import Settings
    from harness.suite.corpus import Corpus
    from harness.suite.runner import Runner

    runner = Runner(Settings(target=["host32", "toy-host"]), tmp_path / "reports")
    cases = [c for c in Corpus.open(corpus).cases() if c.id == "ok"]
    try:
        for target in runner.targets:
            runner.run_target(target, cases)
    finally:
        runner.close()
    toolchains = {tc.profile.name: tc for tc in runner.toolchains.prepared()}
    assert sorted(toolchains) == ["micropython", "toyvm"]
    assert [r["verdict"] for t in runner.targets for r in runner.records[t]] == ["pass", "pass"]
    assert toolchains["toyvm"].compiler.compiled == ["ok.py"]
    assert runner.runs["host32"].toolchain is toolchains["micropython"]
    assert runner.runs["toy-host"].toolchain is toolchains["toyvm"]
