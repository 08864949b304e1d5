"""The pytest plugin end to end: a user's suite run with --target, as a user reads it."""

import pytest


@pytest.fixture
def suite(pytester):
    pytester.makeini("[pytest]\nhil_case_roots = mycases\n")
    cases = pytester.path / "mycases" / "area"
    cases.mkdir(parents=True)
    (cases / "good.py").write_text("print(sum(range(10)))\n")
    (cases / "bad.py").write_text("print('actual')\n")
    (cases / "bad.exp").write_text("# expected differs on purpose\nexpected\n")
    (cases / "needs_float.py").write_text("# requires: float\nprint(1.5)\n")
    (cases / "known.py").write_text("# xfail: prints the wrong thing\nprint(2)\n")
    (cases / "known.exp").write_text("# deviation under test\n3\n")
    (cases / "hang.py").write_text("# timeout: 0.5\nwhile True:\n    pass\n")
    (pytester.path / "test_ordinary.py").write_text("def test_plain():\n    assert True\n")
    return pytester


def run(pytester, *args):
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def test_verdicts_map_onto_pytest_outcomes(suite):
    result = run(suite, "--target=host32", "-rsx", "mycases")
    out = result.stdout.str()
    # vm-crash and timeout are failures with their own names in the summary.
    result.assert_outcomes(passed=1, failed=1, skipped=1, xfailed=1)
    assert "1 timeout" in out.splitlines()[-1]
    # A failing case shows its verdict and a diff a person can read.
    assert "FAIL: area/bad on host32" in out
    assert "-expected" in out and "+actual" in out
    # Skips and xfails carry their reasons.
    assert "SKIPPED [1] mycases/area/needs_float.py: target lacks float" in out
    assert "prints the wrong thing" in out
    assert "host32: 1 pass, 1 fail, 1 timeout, 1 skip, 1 xfail" in out
    assert result.ret == 1


def test_ordinary_tests_are_not_cases(suite):
    result = run(suite, "--target=host32", "test_ordinary.py")
    result.assert_outcomes(passed=1)


def test_target_from_the_environment(suite, monkeypatch):
    monkeypatch.setenv("HIL_TARGET", "host")
    result = run(suite, "mycases/area/needs_float.py", "-v")
    result.assert_outcomes(passed=1)
    assert "needs_float.py::host PASSED" in result.stdout.str()


def test_several_targets_give_one_item_each(suite):
    result = run(suite, "--target=host,host32", "mycases/area/good.py", "-v")
    result.assert_outcomes(passed=2)


def test_unknown_target_is_a_usage_error_before_any_case(suite):
    result = run(suite, "--target=warp-drive", "mycases/area/good.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "no target named 'warp-drive'" in result.stderr.str()
    assert "available targets" in result.stderr.str()
    result.stdout.no_fnmatch_line("*passed*")
