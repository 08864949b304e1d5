"""PikaScript 1.14 on its 32-bit mirror and its Cortex-M0 booter: every way a
case can end is classified from the VM's own state, and the next case runs.

Built from the pinned archive (../shared/vm-sources, the harness's archive
folders): the precompiler, the compiler, both runners.
"""

from __future__ import annotations

import struct
import time

import pytest

from harness.suite.session import SuiteRun
from harness.suite.verdict import Verdict
from harness.vms.pikascript import formats

TARGETS = ["pika-host32", "qemu-m0-pika"]
PASSING = "print('still here', 6 * 7)\n"


@pytest.fixture(scope="module", params=TARGETS)
def pika(request, tmp_path_factory):
    run = SuiteRun(request.param, log_dir=tmp_path_factory.mktemp("logs")).start()
    yield run
    run.stop()


def then_passes(run, make_case):
    after = run.run_case(make_case("ok", PASSING))
    assert after.verdict is Verdict.PASS, after.summary()


def execute(run, blob: bytes):
    """The blob as it is, pushed past the harness's own checks."""
    return run.session.execute(blob, 5)


def test_the_device_says_what_it_is(pika):
    info = pika.session.info
    assert (info.get("vm"), info.get("version"), info.get("pyo"), info.get("pya")) == \
        ("pikascript", "1.14.0", "1.14", "7")
    assert info.get("compiler") == "0"   # the parser is left out
    assert "float" in info.features and "bigint" not in info.features
    assert not info.get("silent_raise"), "a built-in exception would raise nothing on this runner"


def test_a_pass_with_its_figures(pika, make_case):
    result = pika.run_case(make_case("ok", "for i in range(3):\n    print(i * 2)\n"))
    assert result.verdict is Verdict.PASS, result.summary()
    assert result.figures["run_cycles"] > 0 and result.figures["heap_peak"] > result.figures["heap_used"] > 0
    # print's "\r\n" is read as a line end; the banner is not the program's.
    assert result.actual == "0\n2\n4\n"


def test_wrong_output_fails_with_its_diff(pika, make_case):
    result = pika.run_case(make_case("wrong", "print('a')\n", exp="# deliberately wrong\nb\n"))
    assert result.verdict is Verdict.FAIL and "-b\n+a\n" in result.diff
    then_passes(pika, make_case)


def test_an_uncaught_error_is_the_vm_s_exception_not_a_pass(pika, make_case):
    result = pika.run_case(make_case("div", "print('before')\nx = 1 / 0\nprint('after')\n"))
    assert result.figures["status"] == "exception"
    # The VM's own text, its last line compared as CPython's: this one agrees.
    assert result.actual == "before\nZeroDivisionError: division by zero\n"
    assert result.verdict is Verdict.PASS, result.summary()
    raised = pika.run_case(make_case("raise", "raise ValueError('lost')\n"))
    # The VM drops the message of a raised exception object: a finding, a fail.
    assert raised.figures["status"] == "exception" and raised.actual == "ValueError\n"
    assert raised.verdict is Verdict.FAIL
    then_passes(pika, make_case)


def test_an_error_caught_by_the_program_is_no_error(pika, make_case):
    source = "try:\n    x = 1 / 0\nexcept ZeroDivisionError:\n    print('caught')\nprint('on')\n"
    result = pika.run_case(make_case("caught", source))
    assert result.figures["status"] == "ok" and result.actual == "caught\non\n"


def test_heap_exhaustion_is_a_memory_error(pika, make_case):
    # 400 KB kept alive: more than the 64 KiB heap holds, nothing to CPython.
    source = "parts = []\nfor i in range(2000):\n    parts.append('x' * 200)\nprint(len(parts))\n"
    result = pika.run_case(make_case("grow", "# timeout: 30\n" + source))
    assert result.figures["status"] == "memory-error", result.summary()
    assert result.verdict is Verdict.SKIP and result.kind == "too-large"
    assert result.figures["heap_peak"] > 60000
    then_passes(pika, make_case)


def test_a_hang_times_out_and_the_next_case_runs(pika, make_case):
    started = time.monotonic()
    result = pika.run_case(make_case("hang", "# timeout: 0.5\nprint('before')\nwhile True:\n    pass\n"))
    assert result.verdict is Verdict.TIMEOUT and "before" in result.actual
    assert time.monotonic() - started < 5
    then_passes(pika, make_case)


def test_a_corrupt_pyo_is_a_load_error(pika, make_case):
    blob = bytearray(pika.toolchain.compile(pika.target, b"print(1)\n", "c.py"))
    blob[13] = 0xFF    # a line start with an opcode no VM knows
    assert pika.toolchain.profile.check_blob(bytes(blob), pika.session.info) is None   # the format is right
    run = execute(pika, bytes(blob))
    assert run.record.status == "load-error" and "unknown opcode" in run.record.trace
    truncated = execute(pika, bytes(blob[:20]))
    assert truncated.record.status == "load-error"
    then_passes(pika, make_case)


def test_a_pyo_of_another_core_is_refused_before_it_is_sent(pika, make_case):
    pyo = pika.toolchain.compile(pika.target, b"print(1)\n", "v.py")
    old = struct.pack("<H", 0) + pyo[12:]   # 1.8.6's layout: no magic, u16 sizes
    problem = pika.toolchain.profile.check_blob(old, pika.session.info)
    assert problem and "PikaScript 1.14 blob" in problem
    # Sent anyway, the VM side's own check refuses it, and the device stays up.
    run = execute(pika, old)
    assert run.record.status == "load-error" and "bad magic" in run.record.trace
    assert "device loads version 7" in pika.toolchain.profile.check_blob(
        formats.PYA_MAGIC + struct.pack("<IIIII", 0, 6, 1, 64, 0), pika.session.info)
    then_passes(pika, make_case)


def test_a_library_with_helpers_runs_and_one_with_a_bad_checksum_is_a_load_error(pika, make_case):
    compile_ = pika.toolchain.compile
    library = compile_(pika.target, b"import helper\nprint(helper.twice(21))\n", "main.py",
                       [("helper.py", b"def twice(x):\n    return x * 2\n")])
    assert library.startswith(formats.PYA_MAGIC)
    assert sorted(name for name, _ in formats.modules_of(library)) == ["helper", "main"]
    good = execute(pika, library)
    assert good.record.status == "ok" and good.record.output.replace(b"\r\n", b"\n") == b"42\n"
    damaged = bytearray(library)
    damaged[-5] ^= 0x01
    run = execute(pika, bytes(damaged))
    assert run.record.status == "load-error" and "checksum" in run.record.trace
    then_passes(pika, make_case)


def test_the_mirror_predicts_the_board_byte_for_byte(make_case, tmp_path):
    """Output, error text, heap figures: pika-host32 against qemu-m0-pika."""
    source = "d = {'a': 1}\nprint('b' in d)\nprint(1.5, 2 ** 10)\nclass C:\n    pass\nprint(len([1, 2, 3]))\n"
    with SuiteRun("qemu-m0-pika", log_dir=tmp_path) as run:
        result = run.run_case(make_case("mirror", source))
    assert result.reference["target"] == "pika-host32"
    assert (result.figures["heap_used"], result.figures["heap_peak"]) == \
        (result.reference["heap_used"], result.reference["heap_peak"])
    assert result.message != "" or result.verdict in (Verdict.PASS, Verdict.FAIL)
    assert "output differs from the host reference" not in result.message
