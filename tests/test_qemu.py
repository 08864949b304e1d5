"""Emulated boards: the booter on QEMU's Cortex-M0 keeps going through hangs,
faults, corrupt blobs and bad frames, and its cycle counts repeat."""

import pytest

from harness.paths import CASES_DIR
from harness.suite.cases import discover
from harness.suite.session import SuiteRun
from harness.suite.verdict import Verdict
from harness.transports import booter as p

PASSING = "print('still here', 6 * 7)\n"
SAMPLE = ["ints/", "exceptions/", "generators/", "str/"]


@pytest.fixture(scope="module", params=["qemu-g030", "qemu-m0"])
def board(request, toolchain, tmp_path_factory):
    run = SuiteRun(request.param, toolchain=toolchain, log_dir=tmp_path_factory.mktemp("logs")).start()
    yield run
    run.stop()


def assert_recovers(board, make_case):
    result = board.run_case(make_case("after", PASSING))
    assert result.verdict is Verdict.PASS, result.summary()


def test_cases_pass_and_match_the_host_reference(board):
    cases = [c for c in discover(CASES_DIR) if c.id.startswith(tuple(SAMPLE))][::3]
    results = [board.run_case(c) for c in cases]
    bad = [r.summary() + "\n" + r.diff for r in results if r.verdict not in (Verdict.PASS, Verdict.SKIP)]
    assert not bad, "\n".join(bad)
    ran = [r for r in results if r.verdict is Verdict.PASS]
    assert len(ran) > 10
    for r in ran:
        assert r.figures["clock_hz"] == 16_000_000 and r.figures["run_cycles"] > 0
        assert r.reference["target"] == board.target.reference
        assert r.figures["device_host_ratio"] > 0
        assert r.figures["stack_peak"] > 0


def test_hang_restarts_qemu_and_the_run_goes_on(board, make_case):
    restarts = board.session.device.restarts
    result = board.run_case(make_case("hang", "# timeout: 1\nprint('spinning')\nwhile True:\n    pass\n"))
    assert result.verdict is Verdict.TIMEOUT
    assert result.actual == "spinning\n"
    assert board.session.device.restarts == restarts + 1
    assert_recovers(board, make_case)


def test_truncated_and_wrong_version_blobs_get_an_error_status(board, make_case):
    blob = board.toolchain.compiler.compile(b"print('x' * 3)\n", "c.py")
    run = board.session.execute(blob[: len(blob) // 2], 5)
    assert run.record.status == "load-error" and "truncated" in run.record.trace
    wrong = bytes([blob[0], 5]) + blob[2:]
    run = board.session.execute(wrong, 5)
    assert run.record.status == "load-error"
    assert_recovers(board, make_case)


def test_oversize_blob_is_refused_and_skipped(board, make_case):
    big = bytes(board.session.info.number("blob_max") + 1)
    run = board.session.execute(big, 5)
    assert run.kind == "rejected" and run.rejection == "oversize"
    assert_recovers(board, make_case)


def test_bad_frames_on_the_link_cost_nothing(board, make_case):
    link = board.session.device.transport.client.link
    corrupt = bytearray(p.encode_frame(p.LOAD, 77, bytes(20)))
    corrupt[-1] ^= 0xFF
    link.write(b"\x00\xffline noise\xa5" + bytes(corrupt) + p.encode_frame(p.HELLO, 78, version=9))
    assert_recovers(board, make_case)


def test_cycles_repeat_exactly(board):
    blob = board.toolchain.compiler.compile(b"x = [i * i for i in range(50)]\nprint(sum(x))\n", "r.py")
    cycles = {board.session.execute(blob, 5).record.run_cycles for _ in range(3)}
    assert len(cycles) == 1, cycles


def crafted_fault_blob(compiler) -> bytes:
    """A blob whose bytecode loads constant 16383 of a 130-entry table: the
    read lands far outside RAM, and the CPU faults."""
    source = "".join(f"x = b'{i}'\n" for i in range(130)) + "print(x)\n"
    blob = compiler.compile(source.encode(), "fault.py")
    at = blob.rindex(bytes([0x23, 0x81, 0x01]))  # LOAD_CONST_OBJ 129
    return blob[:at] + bytes([0x23, 0xFF, 0x7F]) + blob[at + 3:]


def test_fault_reports_its_pc_and_the_board_comes_back(board, make_case):
    if board.target.name != "qemu-m0":
        pytest.skip("the crafted blob needs more heap than g030 has")
    run = board.session.execute(crafted_fault_blob(board.toolchain.compiler), 5)
    assert run.kind == "crashed"
    assert run.record.status == "fault" and run.record.fault_pc != 0
    assert f"{run.record.fault_pc:#010x}" in run.detail
    assert_recovers(board, make_case)


def test_footprint_fits_the_budget(board):
    fp = board.session.footprint
    assert fp.flash <= board.target.memory["flash"]
    assert fp.ram + fp.stack <= board.target.memory["ram"]
    assert fp.stack >= board.session.info.number("stack_limit")


def test_a_reference_that_fails_to_start_stops_the_target_it_serves(toolchain, tmp_path, monkeypatch):
    # Nobody holds a SuiteRun whose start failed, so its QEMU must not outlive it.
    from harness.errors import InfrastructureError
    from harness.suite.session import SuiteRun, TargetSession

    started_qemu = []
    real_start = TargetSession.start

    def start(self):
        if self.target.name != "qemu-m0":
            raise InfrastructureError(f"{self.target.name} would not come up")
        session = real_start(self)
        started_qemu.append(session.device.launcher.proc)
        return session

    monkeypatch.setattr(TargetSession, "start", start)
    run = SuiteRun("qemu-m0", toolchain=toolchain, log_dir=tmp_path / "logs")
    with pytest.raises(InfrastructureError, match="host32-m0 would not come up"):
        run.start()
    assert len(started_qemu) == 1, "the target itself came up first"
    assert started_qemu[0].poll() is not None, "QEMU still runs"
