"""Fault injection through the real transport on an emulated board: dropped,
duplicated and garbled bytes, a board reset during a transfer, a device that
stops answering, QEMU killed in the middle of a case. Each affected case gets
the right verdict with its evidence, the board is recovered, and the next
case passes."""

import os
import signal
import threading

import pytest

from harness.device.faults import Fault, FaultyLink
from harness.errors import InfrastructureError
from harness.suite.session import SuiteRun
from harness.suite.verdict import Verdict
from harness.transports import booter as p

PRINTS = "for i in range(6):\n    print('line', i, 'of output')\n"
EXPECTED = b"".join(b"line %d of output\n" % i for i in range(6))


@pytest.fixture(scope="module")
def board(toolchain, tmp_path_factory):
    run = SuiteRun("qemu-g030", toolchain=toolchain, log_dir=tmp_path_factory.mktemp("logs")).start()
    device = run.session.device
    device.link_wrapper = FaultyLink
    device.restart()
    device.transport.client.frame_timeout = 0.3  # resend sooner: keeps the tests quick
    yield run
    run.stop()


def link(board) -> FaultyLink:
    client = board.session.device.transport.client
    client.frame_timeout = 0.3
    return client.link


def blob(board, source=PRINTS, name="f.py"):
    return board.toolchain.compiler.compile(source.encode(), name)


def assert_next_case_passes(board, make_case):
    result = board.run_case(make_case("after", "print('still here', 6 * 7)\n"))
    assert result.verdict is Verdict.PASS, result.summary()


@pytest.mark.parametrize("kind", ["drop", "duplicate", "garble"])
def test_damage_on_the_way_to_the_device_is_sent_again(board, make_case, kind):
    link(board).arm(Fault(start=12, count=3, kind=kind), to_device=True)
    run = board.session.execute(blob(board), 5)
    assert run.kind == "completed" and run.record.output == EXPECTED
    assert run.record.retries >= 1  # the evidence: frames sent again
    assert_next_case_passes(board, make_case)


def test_output_garbled_on_the_way_back_runs_the_case_again(board, make_case):
    link(board).arm(Fault(start=40, count=2, kind="garble"), to_device=False)
    run = board.session.execute(blob(board), 5)
    assert run.kind == "completed" and run.record.output == EXPECTED
    assert "arrived intact" in run.link_events[0] and run.link_events[0].endswith("ran again")
    assert_next_case_passes(board, make_case)


def test_status_cut_short_on_the_way_back_is_not_a_hang(board, make_case):
    source = "print('short')\n"
    size_before_status = len(p.encode_frame(p.RUNNING, 1)) + len(p.encode_frame(p.OUT, 1, b"short\n"))
    link(board).arm(Fault(start=size_before_status + 10, count=3, kind="drop"), to_device=False)
    run = board.session.execute(blob(board, source), 2)
    assert run.kind == "completed" and run.record.output == b"short\n"
    assert "failed their CRC: ran again" in run.link_events[0]
    assert_next_case_passes(board, make_case)


def test_the_same_damage_twice_is_an_infrastructure_failure(board, make_case):
    faulty = link(board)
    faulty.arm(Fault(start=40, count=2), to_device=False)
    first = blob(board)
    per_run = len(p.encode_frame(p.RUNNING, 1)) + sum(
        len(p.encode_frame(p.OUT, 1, b"line %d of output\n" % i)) for i in range(6)) + \
        len(p.encode_frame(p.STATUS, 1, bytes(p.STATUS_RECORD.size))) + len(p.encode_frame(p.ACK, 1, bytes(4)))
    faulty.arm(Fault(start=40 + per_run, count=2), to_device=False)
    with pytest.raises(InfrastructureError, match="the link failed the case twice"):
        board.session.execute(first, 5)
    assert_next_case_passes(board, make_case)


def test_board_reset_during_a_transfer_runs_the_case_again(board, make_case):
    big = blob(board, "s = '" + "x" * 600 + "'\nprint(len(s))\n", "big.py")
    assert len(big) > 2 * board.session.info.chunk  # several DATA frames
    link(board).slip_in(p.encode_frame(p.RESET, 200), before_write=2)
    run = board.session.execute(big, 5)
    assert run.kind == "completed" and run.record.output == b"600\n"
    assert "restarted during a transfer" in run.link_events[0]
    assert_next_case_passes(board, make_case)


def test_device_that_stops_answering_times_out_and_is_recovered(board, make_case):
    restarts = board.session.device.restarts
    link(board).arm(Fault(start=0, count=None, kind="stall"), to_device=False)
    run = board.session.execute(blob(board), 1.5)
    assert run.kind == "timeout"
    assert board.session.device.restarts == restarts + 1
    assert_next_case_passes(board, make_case)


def test_qemu_killed_in_the_middle_of_a_case_is_an_infrastructure_failure(board, make_case):
    spin = blob(board, "while True:\n    pass\n", "spin.py")
    pid = board.session.device.launcher.proc.pid
    threading.Timer(0.3, os.kill, (pid, signal.SIGKILL)).start()
    with pytest.raises(InfrastructureError, match="lost qemu-g030 during the case.*QEMU killed by SIGKILL"):
        board.session.execute(spin, 5)
    assert_next_case_passes(board, make_case)
