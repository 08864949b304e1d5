"""Known deviations of a VM (harness/suite/deviations.py): a listed case that
fails as listed is xfail with its reason, one that passes fails (xpass), one
that ends otherwise keeps its verdict; the shipped lists name real cases and
pins, and every reproduction in them shows a deviation on its core's mirror;
a bad file is one usage error before anything runs, on both front ends."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_cli_allure import reporting_env, suite

from harness.ab.compare import compare_case
from harness.errors import ConfigError
from harness.paths import CASES_DIR
from harness.registry import vm_profiles
from harness.suite.deviations import XPASS, Deviation, Deviations, apply, read
from harness.suite.session import SuiteRun
from harness.suite.verdict import CaseResult, Verdict

MIRRORS = {"1.14.0": "pika-host32", "1.8.6": "pika-host32-g030"}   # each PikaScript core's mirror


def shipped() -> dict:
    profile = vm_profiles.get("pikascript")()
    return read(profile.deviations_file)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "deviations.txt"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, says", [
    ("a/b | fail | why | print(1)\n", r"deviations.txt:1: a deviation before any \[VM PIN\] header"),
    ("[pikascript 1.14.0]\na/b | fail | why\n", r"deviations.txt:2: .* is not CASE \| VERDICT \| REASON"),
    ("[pikascript 1.14.0]\na/b | timeout | why | print(1)\n", r"deviations.txt:2: 'timeout' is no verdict"),
    ("[pikascript 1.14.0]\na b | fail | why | print(1)\n", r"deviations.txt:2: 'a b' is no case id"),
    ("[pikascript 1.14]\na/b | fail | x | y\n", r"deviations.txt:1: \[pikascript 1.14\] names no pin of pikascript"),
    ("[pikascrypt 1.14.0]\na/b | fail | x | y\n", r"deviations.txt:1: \[pikascrypt 1.14.0\] names no VM"),
    ("[pikascript 1.14.0]\na/b | fail | x | y\n\na/b | fail | x | y\n",
     r"deviations.txt:4: a/b is listed twice .*first at .*deviations.txt:2"),
])
def test_a_malformed_line_is_an_error_naming_it(tmp_path, text, says):
    with pytest.raises(ConfigError, match=says):
        read(write(tmp_path, text))


def test_the_shipped_lists_name_real_cases_pins_and_verdicts():
    lists = shipped()
    assert set(lists) == {("pikascript", pin) for pin in MIRRORS}
    profile = vm_profiles.get("pikascript")()
    for (vm, pin), listed in lists.items():
        assert pin in profile.pins
        assert len(listed) > 50
        missing = [case for case in listed if not (CASES_DIR / f"{case}.py").is_file()]
        assert not missing, f"[{vm} {pin}] lists cases that do not exist: {missing}"


def _error_named(reason: str) -> str:
    named = re.search(r"\((NameError|TypeError|ValueError|SIGSEGV)\b", reason)
    return named.group(1) if named else ""


@pytest.mark.parametrize("pin", sorted(MIRRORS))
def test_every_reproduction_shows_its_deviation_on_the_mirror(pin, make_case, tmp_path):
    """Run as a case of its own, each distinct reproduction does not pass
    (CPython is the expectation), ends in the verdict listed for it, and
    shows the error its reason names."""
    listed = shipped()[("pikascript", pin)]
    by_program: dict[str, Deviation] = {}
    for deviation in listed.values():
        by_program.setdefault(deviation.program, deviation)
    run = SuiteRun(MIRRORS[pin], log_dir=tmp_path / "logs").start()
    try:
        for number, (program, deviation) in enumerate(by_program.items()):
            result = run.run_case(make_case(f"repro/r{number}", program))
            assert result.verdict is deviation.verdict, f"{deviation.where}: {result.summary()}"
            error = _error_named(deviation.reason)
            assert error in result.actual + result.message, f"{deviation.where}: no {error} in {result.summary()}"
    finally:
        run.stop()


def known(verdict: Verdict = Verdict.FAIL) -> Deviation:
    return Deviation("x/y", verdict, "repr() is no built-in (NameError)", "print(repr(1))", "list.txt:3")


def result(verdict: Verdict, message: str = "output differs from the expected output") -> CaseResult:
    return CaseResult("x/y", "pika-host32", verdict, message=message, diff="-1\n+2\n")


def test_a_listed_fail_is_xfail_keeping_what_happened():
    got = apply(result(Verdict.FAIL), known())
    assert got.verdict is Verdict.XFAIL and got.diff == "-1\n+2\n"
    assert got.message == ("known deviation (list.txt:3): repr() is no built-in (NameError); "
                           "fail: output differs from the expected output")


def test_a_listed_case_that_passes_fails_as_xpass_naming_its_line():
    got = apply(result(Verdict.PASS, ""), known())
    assert (got.verdict, got.kind) == (Verdict.FAIL, XPASS)
    assert "remove its line, list.txt:3" in got.message


def test_a_listed_fail_that_crashes_the_vm_instead_is_a_crash_still():
    got = apply(result(Verdict.VM_CRASH, "CPU fault at PC 0x8036"), known())
    assert got.verdict is Verdict.VM_CRASH
    assert got.message.startswith("CPU fault at PC 0x8036\n(listed as a known fail, list.txt:3")


@pytest.mark.parametrize("verdict", [Verdict.TIMEOUT, Verdict.SKIP])
def test_timeouts_and_skips_stay_as_they_are(verdict):
    assert apply(result(verdict, "m"), known()).verdict is verdict


def test_an_ab_counts_a_deviation_gone_as_better():
    a = {"case": "x/y", "verdict": "xfail", "figures": {}}
    b = {"case": "x/y", "verdict": "fail", "kind": XPASS, "figures": {}}
    assert compare_case(a, b, True, 0.05).verdict_change == "better"
    assert compare_case(b, a, True, 0.05).verdict_change == "worse"


def test_the_users_file_replaces_the_vms_and_none_drops_them(tmp_path):
    profile = vm_profiles.get("pikascript")()
    mine = write(tmp_path, "[pikascript 1.14.0]\nfloats/float_str_repr | fail | mine | print(repr(1))\n")
    assert set(Deviations(str(mine)).of(profile, "")) == {"floats/float_str_repr"}
    assert Deviations(str(mine)).of(profile, "1.8.6") == {}
    assert Deviations("none").of(profile, "") == {}
    assert len(Deviations(None).of(profile, "1.8.6")) == len(shipped()[("pikascript", "1.8.6")])


def test_the_command_line_reports_xfail_and_none_makes_it_a_fail_again(tmp_path):
    case = str(CASES_DIR / "floats" / "float_str_repr.py")
    listed = suite(tmp_path, "--target=pika-host32", case, "--reports-dir", str(tmp_path / "r1"), env=reporting_env())
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "pika-host32: 1 xfail" in listed.stdout
    assert "xfail: floats/float_str_repr on pika-host32: known deviation" in listed.stdout
    plain = suite(tmp_path, "--target=pika-host32", case, "--deviations", "none", "--reports-dir", str(tmp_path / "r2"),
                  env=reporting_env())
    assert plain.returncode == 1 and "pika-host32: 1 fail" in plain.stdout


def test_a_bad_deviations_file_is_a_usage_error_before_anything_runs(tmp_path):
    bad = write(tmp_path, "[pikascript 1.14.0]\nfloats/float_str_repr | fails | why | print(1)\n")
    reports = tmp_path / "reports"
    done = suite(tmp_path, "--target=pika-host32", str(CASES_DIR / "floats"), "--deviations", str(bad),
                 "--reports-dir", str(reports), env=reporting_env())
    assert done.returncode == 2
    assert "deviations.txt:2: 'fails' is no verdict" in done.stderr and "Traceback" not in done.stderr
    assert not reports.exists()


def test_pytest_reports_a_listed_case_as_xfailed(pytester):
    pytester.makeini("[pytest]\n")
    done = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--target=pika-host32", "-rx",
                                         str(CASES_DIR / "floats" / "float_str_repr.py"),
                                         "--reports-dir", str(pytester.path / "reports"))
    done.assert_outcomes(xfailed=1)
    done.stdout.fnmatch_lines(["*XFAIL*float_str_repr.py::pika-host32*known deviation*repr() is no built-in*"])
