"""Blob signing: a booter built with a key runs only blobs signed with it,
the harness signs when configured, and the key never shows up in logs or
reports."""

import pytest

from harness.suite.session import SuiteRun, TargetSession
from harness.suite.verdict import Verdict
from harness.targets import load_target

KEY = bytes(range(7, 39))          # 32 bytes, easy to search for
OTHER_KEY = bytes(range(100, 132))


@pytest.fixture(scope="module")
def key_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "device.key"
    path.write_bytes(KEY)
    return path


@pytest.fixture(scope="module", params=["host32", "qemu-m0"])
def keyed(request, toolchain, key_file, tmp_path_factory):
    logs = tmp_path_factory.mktemp("logs")
    run = SuiteRun(request.param, toolchain=toolchain, log_dir=logs, signing_key_file=str(key_file)).start()
    yield run, logs
    run.stop()


def client(run):
    return run.session.device.transport.client


def execute_with_key(run, blob, key):
    """Send ``blob`` signed with ``key`` (None: unsigned), whatever the run's own key."""
    saved = client(run)._signing_key
    client(run)._signing_key = key
    try:
        return run.session.execute(blob, 5)
    finally:
        client(run)._signing_key = saved


def test_signed_blob_runs(keyed, make_case):
    run, _ = keyed
    assert run.session.info.get("signed") == "1"
    result = run.run_case(make_case("ok", "print('signed and running')\n"))
    assert result.verdict is Verdict.PASS, result.summary()


def test_unsigned_blob_is_refused_with_a_clear_status(keyed, make_case):
    run, _ = keyed
    blob = run.toolchain.compiler.compile(b"print(1)\n", "u.py")
    execution = execute_with_key(run, blob, None)
    assert execution.kind == "rejected" and execution.rejection == "signature"
    assert "unsigned blob refused" in execution.detail
    assert run.run_case(make_case("ok", "print(2)\n")).verdict is Verdict.PASS


def test_blob_signed_with_another_key_is_refused(keyed, make_case):
    run, _ = keyed
    blob = run.toolchain.compiler.compile(b"print(1)\n", "o.py")
    execution = execute_with_key(run, blob, OTHER_KEY)
    assert execution.kind == "rejected"
    assert "signature does not match this booter's key" in execution.detail
    assert run.run_case(make_case("ok", "print(3)\n")).verdict is Verdict.PASS


def test_a_booter_without_a_key_runs_signed_blobs_too(toolchain, tmp_path):
    session = TargetSession(load_target("host32"), toolchain, tmp_path)
    session.start()
    try:
        assert "signed" not in session.info.fields
        session.device.transport.client._signing_key = KEY
        blob = toolchain.compiler.compile(b"print('fine')\n", "k.py")
        assert session.execute(blob, 5).record.output == b"fine\n"
    finally:
        session.stop()


def test_the_key_never_appears_in_logs_builds_or_reports(keyed, key_file, pytester, make_case):
    run, logs = keyed
    run.run_case(make_case("ok", "print('x')\n"))
    needles = [KEY, KEY.hex().encode(), ",".join(map(str, KEY)).encode()]
    places = list(logs.rglob("*")) + [run.session.firmware.log, run.session.firmware.folder / "build.log"]
    # A whole pytest run with the key, its results file and journal included.
    pytester.makeini("[pytest]\nhil_case_roots = c\n")
    (pytester.path / "c").mkdir()
    (pytester.path / "c" / "a.py").write_text("print(1)\n")
    result = pytester.runpytest_subprocess(f"--target={run.target.name}", f"--signing-key={key_file}",
                                           "-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=1)
    places += list((pytester.path / "reports").rglob("*"))
    text = "\n".join(result.outlines).encode()
    for place in places:
        if place.is_file():
            data = place.read_bytes()
            for needle in needles:
                assert needle not in data, f"key material in {place}"
    for needle in needles:
        assert needle not in text
