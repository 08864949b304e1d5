"""The harness catches what it must, on a real 32-bit runner, and the run goes on."""

import os
import signal
import threading
import time

from harness.suite.verdict import Verdict

PASSING = "print('still here', 6 * 7)\n"


def run_then_check_recovery(run, case, passing):
    result = run.run_case(case)
    after = run.run_case(passing)
    assert after.verdict is Verdict.PASS, after.summary()
    return result


def test_pass(host32, make_case):
    result = host32.run_case(make_case("ok", PASSING))
    assert result.verdict is Verdict.PASS
    assert result.figures["status"] == "ok" and result.figures["run_cycles"] > 0
    assert result.figures["heap_peak"] > 0


def test_wrong_output_fails_with_a_unified_diff(host32, make_case):
    case = make_case("wrong", "print('a')\nprint('b')\n", exp="# deliberately wrong\na\nc\n")
    result = host32.run_case(case)
    assert result.verdict is Verdict.FAIL
    assert "-c\n+b\n" in result.diff and "expected (wrong.exp)" in result.diff


def test_hang_times_out_and_the_next_case_runs(host32, make_case):
    case = make_case("hang", "# timeout: 0.5\nprint('before')\nwhile True:\n    pass\n")
    started = time.monotonic()
    result = run_then_check_recovery(host32, case, make_case("ok", PASSING))
    assert result.verdict is Verdict.TIMEOUT
    assert time.monotonic() - started < 5
    assert "before" in result.actual


def crash_while_running(host32, make_case, sig):
    case = make_case("spin", "# timeout: 5\nwhile True:\n    pass\n")
    pid = host32.session.device.launcher.proc.pid
    threading.Timer(0.3, os.kill, (pid, sig)).start()
    return run_then_check_recovery(host32, case, make_case("ok", PASSING))


def test_vm_fault_is_a_vm_crash_with_its_pc(host32, make_case):
    result = crash_while_running(host32, make_case, signal.SIGSEGV)
    assert result.verdict is Verdict.VM_CRASH
    assert "CPU fault at PC 0x" in result.message


def test_runner_killed_is_a_vm_crash(host32, make_case):
    result = crash_while_running(host32, make_case, signal.SIGKILL)
    assert result.verdict is Verdict.VM_CRASH
    assert "killed by SIGKILL" in result.message


def test_uncaught_exception_compares_its_last_line(host32, make_case):
    result = host32.run_case(make_case("raises", "print(1)\nraise ValueError('bad input')\n"))
    assert result.verdict is Verdict.PASS
    assert result.actual == "1\nValueError: bad input\n"


def test_truncated_blob_is_a_load_error_and_the_device_stays_up(host32, make_case):
    blob = host32.toolchain.compiler.compile(b"print('x' * 3)\n", "c.py")
    for cut in (5, len(blob) // 2, len(blob) - 1):
        run = host32.session.execute(blob[:cut], 5)
        assert run.record.status == "load-error", cut
        assert "truncated .mpy" in run.record.trace
    assert host32.run_case(make_case("ok", PASSING)).verdict is Verdict.PASS


def test_garbage_blob_never_takes_the_run_down(host32, make_case):
    blob = host32.toolchain.compiler.compile(b"print('x' * 3)\n", "c.py")
    corrupt = blob[:4] + bytes(b ^ 0x5A for b in blob[4:])
    # Garbage may be refused, raise, crash or spin: each is a verdict, not the end.
    run = host32.session.execute(corrupt, 2)
    assert run.kind in ("completed", "crashed", "timeout")
    assert host32.run_case(make_case("ok", PASSING)).verdict is Verdict.PASS


def test_wrong_mpy_version_is_a_clear_error(host32, make_case):
    blob = bytearray(host32.toolchain.compiler.compile(b"print(1)\n", "v.py"))
    blob[1] = 5
    assert "mpy version 5" in host32.toolchain.profile.check_blob(bytes(blob), host32.session.info)
    # Sent anyway, the VM's own loader refuses it and the device stays up.
    run = host32.session.execute(bytes(blob), 5)
    assert run.record.status == "load-error"
    assert "incompatible .mpy" in run.record.trace
    assert host32.run_case(make_case("ok", PASSING)).verdict is Verdict.PASS


def test_not_an_mpy_at_all(host32):
    assert "not a .mpy" in host32.toolchain.profile.check_blob(b"print(1)", host32.session.info)


def test_oversize_blob_is_refused_by_the_device(host32):
    run = host32.session.execute(bytes(64 * 1024), 5)
    assert run.kind == "rejected" and run.rejection == "oversize"


def test_skip_carries_the_missing_feature(host32, make_case):
    result = host32.run_case(make_case("dbl", "# requires: double\nprint(0.1 + 0.2)\n"))
    assert result.verdict is Verdict.SKIP and result.message == "target lacks double"
    result = host32.run_case(make_case("big", "# heap: 100000\nprint(1)\n"))
    assert result.verdict is Verdict.SKIP and "100000-byte heap" in result.message


def test_xfail_carries_its_reason_and_strictness(host32, make_case):
    case = make_case("dev", "# xfail: the VM prints it differently\nprint(1)\n", exp="# wrong on purpose\n2\n")
    result = host32.run_case(case)
    assert result.verdict is Verdict.XFAIL and result.message.startswith("the VM prints it differently")
    case = make_case("dev2", "# xfail: no longer deviates\nprint(1)\n")
    result = host32.run_case(case)
    assert result.verdict is Verdict.FAIL and "remove the xfail" in result.message


def test_memory_error_on_a_small_heap_is_too_large_for_target(host32, make_case):
    result = host32.run_case(make_case("hog", "x = [bytearray(100) for i in range(200)]\nprint(len(x))\n"))
    assert result.verdict is Verdict.SKIP
    assert "too large for target" in result.message
    assert f"{host32.session.info.heap}-byte heap" in result.message


def test_compile_error_is_reported_with_the_compilers_message(host32, make_case):
    result = host32.run_case(make_case("syntax", "print(1\n"))
    assert result.verdict is Verdict.FAIL
    assert "mpy-cross rejected" in result.message and "SyntaxError" in result.message


# --- Stack depth: the host mirror cannot model it exactly ------------------------

def _judged(device_trace: str, reference_trace: str, output: bytes = b"1\n"):
    from pathlib import Path

    from harness.device.device import Execution
    from harness.device.info import RunRecord
    from harness.suite.cases import Case
    from harness.suite.oracle import Expected
    from harness.suite.verdict import judge

    def execution(trace: str) -> Execution:
        status = "exception" if trace else "ok"
        return Execution("completed", RunRecord(status, output, trace, run_cycles=10, stack_peak=0))

    case = Case("deep", Path("deep.py"), Path("."))
    return judge(case, "qemu-g030", 5120, Expected("1\n2\n", "cpython"), execution(device_trace),
                 execution(reference_trace), "host32")


DEEP = "Traceback (most recent call last):\nRuntimeError: maximum recursion depth exceeded\n"


def test_too_deep_on_the_target_is_a_skip_even_when_its_mirror_went_deeper():
    result = _judged(DEEP, "", b"1\n")
    assert result.verdict is Verdict.SKIP and result.kind == "too-deep"
    assert "host reference host32 went deeper" in result.message
    assert "stack peak" not in result.message  # a runner that cannot measure it says nothing


def test_a_mirror_out_of_stack_leaves_the_target_judged_by_the_expected_output():
    passed = _judged("", DEEP, b"1\n2\n")
    assert passed.verdict is Verdict.PASS
    assert "compared with the expected output only" in passed.message
    wrong = _judged("", DEEP, b"1\n3\n")
    assert wrong.verdict is Verdict.FAIL and "differs from the expected output" in wrong.message
