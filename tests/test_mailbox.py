"""Blob push into the booter's RAM mailbox (docs/protocol.md, "Pushing over
SWD"): the same blobs give the same records whether pushed over the UART or
through the mailbox; bad pushes are refused and cost nothing; the push works
after timeouts and restarts; the pyOCD port is checked against a fake pyOCD
target, and the real g030 firmware's mailbox on the register model of
tests/test_g030.py."""

from __future__ import annotations

import contextlib
import struct
import time

import pytest

from harness.device.memports import PyOCDPort
from harness.errors import ConfigError, DeviceRejected, InfrastructureError, MemoryPortError
from harness.paths import CASES_DIR
from harness.suite.cases import discover
from harness.suite.session import TargetSession
from harness.targets import load_target
from harness.transports import booter as p
from harness.transports import mailbox as mb

pytestmark = pytest.mark.integration  # builds firmware, runs QEMU

RECORD_FIELDS = ("status", "output", "trace", "run_cycles", "load_cycles", "heap_used", "heap_peak",
                 "stack_peak", "fault_pc")


def start(toolchain, tmp_path_factory, name, push=None):
    return TargetSession(load_target(name), toolchain, tmp_path_factory.mktemp("logs"), push=push).start()


@pytest.fixture(scope="module")
def uart(toolchain, tmp_path_factory):
    session = start(toolchain, tmp_path_factory, "qemu-g030")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def swd(toolchain, tmp_path_factory):
    session = start(toolchain, tmp_path_factory, "qemu-g030-swd")
    yield session
    session.stop()


def client(session) -> mb.MailboxClient:
    return session.device.transport.client


def record_of(execution) -> dict:
    assert execution.kind == "completed", execution.detail
    return {name: getattr(execution.record, name) for name in RECORD_FIELDS}


def test_both_targets_run_the_same_firmware_and_swd_has_its_mailbox(uart, swd):
    assert uart.firmware.build_id == swd.firmware.build_id
    assert int(swd.info.get("mailbox"), 0) >= 0x20000000
    assert swd.device.transport.push == "mailbox"
    assert uart.device.transport.registered_name == "booter"


def test_same_blobs_give_identical_records_either_way(uart, swd, toolchain):
    cases = discover(CASES_DIR)[::7]
    blobs = [toolchain.compiler.compile(c.path.read_bytes(), c.path.name) for c in cases]
    # One blob of several UART chunks, to compare with the LOAD + DATA path too.
    blobs.append(toolchain.compiler.compile(
        "".join(f"v{i} = 'a value of some length, number {i}'\n" for i in range(40)).encode() + b"print(v39)\n",
        "long.py"))
    assert max(len(b) for b in blobs) > 3 * uart.info.chunk
    compared = 0
    for case_id, blob in zip([c.id for c in cases] + ["long"], blobs):
        over_uart, over_swd = uart.execute(blob, 10), swd.execute(blob, 10)
        if over_uart.kind == "rejected":  # e.g. larger than g030's heap: refused alike
            assert (over_swd.kind, over_swd.rejection) == ("rejected", over_uart.rejection), case_id
            continue
        assert record_of(over_swd) == record_of(over_uart), case_id
        assert over_swd.record.extra["push"] == "mailbox"
        compared += 1
    assert compared > 20


def test_corrupt_blob_in_the_mailbox_is_refused_and_the_device_stays_up(swd, toolchain, monkeypatch):
    blob = toolchain.compiler.compile(b"print('pushed')\n", "c.py")
    post = mb.Mailbox.post

    def damaging(self, frame, data=None, link=None):
        post(self, frame, None if data is None else data[:-1] + bytes([data[-1] ^ 0x40]), link)

    monkeypatch.setattr(mb.Mailbox, "post", damaging)
    refused = swd.execute(blob, 5)
    assert refused.kind == "rejected" and refused.rejection == "blob-crc", refused.detail
    monkeypatch.undo()
    run = swd.execute(blob, 5)
    assert run.record.output == b"pushed\n" and run.record.extra["push"] == "mailbox"


def test_corrupt_frame_in_the_mailbox_gets_bad_frame_and_the_push_goes_on(swd, toolchain):
    c = client(swd)
    frame = bytearray(p.encode_frame(p.HELLO, 200))
    frame[-1] ^= 0xFF
    c.mailbox.post(bytes(frame), link=c.link)  # the link carries the wake-up QEMU's gdbstub cannot write
    answer = c._next_frame(time.monotonic() + 2)
    assert answer.type == p.ERR and answer.seq == 200 and answer.payload[0] == 1
    assert not c.mailbox.doorbell_rung()
    run = swd.execute(toolchain.compiler.compile(b"print(2 + 2)\n", "d.py"), 5)
    assert run.record.output == b"4\n"


def test_run_without_a_load_is_refused(swd, toolchain):
    swd.execute(toolchain.compiler.compile(b"print(1)\n", "e.py"), 5)  # the blob buffer is gone after a run
    c = client(swd)
    with pytest.raises(DeviceRejected) as refused:
        c._post(mb.RUN, b"", {p.RUNNING}, retries=0)
    assert refused.value.name == "bad-offset"


def test_the_push_works_after_a_timeout_restart(swd, toolchain):
    restarts = swd.device.restarts
    hang = swd.execute(toolchain.compiler.compile(b"print('spinning')\nwhile True:\n    pass\n", "h.py"), 1)
    assert hang.kind == "timeout" and hang.partial_output == b"spinning\n"
    assert swd.device.restarts == restarts + 1
    run = swd.execute(toolchain.compiler.compile(b"print('back')\n", "b.py"), 5)
    assert run.record.output == b"back\n" and run.record.extra["push"] == "mailbox"


def test_oversize_blob_is_refused_through_the_mailbox(swd, toolchain):
    run = swd.execute(bytes(swd.info.number("blob_max") + 1), 5)
    assert run.kind == "rejected" and run.rejection == "oversize"
    assert swd.execute(toolchain.compiler.compile(b"print(3)\n", "f.py"), 5).record.output == b"3\n"


def test_without_a_memory_port_it_says_so_and_pushes_over_the_uart(toolchain, tmp_path_factory, capsys):
    session = start(toolchain, tmp_path_factory, "host32", push="swd")
    try:
        assert "no memory access port" in capsys.readouterr().err
        run = session.execute(toolchain.compiler.compile(b"print('uart')\n", "u.py"), 5)
        assert run.record.output == b"uart\n" and run.record.extra["push"] == "uart"
    finally:
        session.stop()


def test_push_option_is_checked():
    assert mb.transport_for("booter", None) == "booter"
    assert mb.transport_for("booter", "swd") == "booter-mailbox"
    assert mb.transport_for("booter-mailbox", "uart") == "booter"
    with pytest.raises(ConfigError, match="unknown push method"):
        mb.transport_for("booter", "jtag")
    with pytest.raises(ConfigError, match="raw-repl"):
        mb.transport_for("raw-repl", "swd")


def test_a_probe_lost_mid_push_is_named_as_the_probe_and_the_next_push_goes_on(swd, toolchain, monkeypatch):
    port = client(swd).mailbox.port
    real_write = type(port).write

    def lost(self, address, data):
        raise MemoryPortError("the gdbstub closed the connection (QEMU exited?)")

    monkeypatch.setattr(type(port), "write", lost)
    launcher, asked = swd.device.launcher, []
    describe = launcher.describe_loss
    monkeypatch.setattr(launcher, "describe_loss", lambda via="serial": asked.append(via) or describe(via))
    with pytest.raises(InfrastructureError) as lost_push:
        swd.execute(toolchain.compiler.compile(b"print('never')\n", "n.py"), 5)
    message = str(lost_push.value)
    assert message.startswith("lost qemu-g030-swd during the case: the mailbox push failed: the gdbstub closed")
    assert asked == ["debug probe"], "the launcher is told which path failed"
    monkeypatch.setattr(type(port), "write", real_write)
    run = swd.execute(toolchain.compiler.compile(b"print('back')\n", "b.py"), 5)
    assert run.record.output == b"back\n" and run.record.extra["push"] == "mailbox"


def test_pyocd_names_the_probe_when_a_push_through_it_fails(tmp_path):
    from harness.launchers.pyocd import PyOCDLauncher

    launcher = PyOCDLauncher(load_target("g030"), tmp_path / "firmware.elf", tmp_path,
                             {"probe": "0669FF48", "port": "/dev/ttyACM0"})
    assert launcher.describe_loss("debug probe").startswith("the debug probe 0669FF48 of g030 stopped answering")
    assert launcher.describe_loss().startswith("the serial link to g030 on /dev/ttyACM0 went away")


# --- The pyOCD port, behind its narrow interface ---------------------------------

class FakeTarget:
    """What PyOCD calls on pyOCD's target: byte reads and writes of RAM."""

    def __init__(self, fail=False):
        self.ram = bytearray(256)
        self.fail = fail
        self.writes = []

    def read_memory_block8(self, address, size):
        self._check()
        return list(self.ram[address - 0x20000000:address - 0x20000000 + size])

    def write_memory_block8(self, address, data):
        self._check()
        self.writes.append((address, bytes(data)))
        self.ram[address - 0x20000000:address - 0x20000000 + len(data)] = bytes(data)

    def _check(self):
        if self.fail:
            from pyocd.core.exceptions import TransferFaultError
            raise TransferFaultError("SWD fault")


def fake_probe(target):
    pytest.importorskip("pyocd")
    from harness.launchers.pyocd import PyOCD

    probe = PyOCD()
    probe.session = type("FakeSession", (), {"target": target})()
    return probe


def test_pyocd_port_reads_and_writes_ram_in_order():
    target = FakeTarget()
    port = PyOCDPort(fake_probe(target))
    struct.pack_into("<IIII", target.ram, 0, mb.MAGIC, 0, 0x20000030, 0x20000040)  # wake pair {0, 0}
    box = mb.Mailbox(port, 0x20000000)
    box.post(b"frame")
    assert target.writes == [(0x20000010, b"frame"), (0x20000004, struct.pack("<I", 1))]  # doorbell last
    assert box.doorbell_rung()
    assert port.read(0x20000010, 5) == b"frame"


def test_a_sleeping_booter_is_woken_after_the_doorbell():
    target = FakeTarget()
    port = PyOCDPort(fake_probe(target))
    struct.pack_into("<IIII", target.ram, 0, mb.MAGIC, 0, 0x20000030, 0x20000040)
    struct.pack_into("<II", target.ram, 0x40, 0x20000080, 1 << 2)  # where and what to write
    box = mb.Mailbox(port, 0x20000000)
    box.post(b"frame")
    assert target.writes == [(0x20000010, b"frame"), (0x20000004, struct.pack("<I", 1)),
                             (0x20000080, struct.pack("<I", 4))]


def test_pyocd_port_failure_is_a_clear_error():
    port = PyOCDPort(fake_probe(FakeTarget(fail=True)))
    with pytest.raises(MemoryPortError, match="SWD write at 0x20000000 failed.*SWD fault"):
        port.write(0x20000000, b"x")
    with pytest.raises(mb.MailboxUnavailable, match="cannot read the mailbox"):
        mb.Mailbox(port, 0x20000000)


def test_a_wrong_address_is_not_taken_for_a_mailbox():
    port = PyOCDPort(fake_probe(FakeTarget()))
    with pytest.raises(mb.MailboxUnavailable, match="first word is 0x00000000"):
        mb.Mailbox(port, 0x20000000)


# --- The real g030 firmware's mailbox, on the register model ----------------------

class UnicornPort:
    """RAM of the register model, written between its emulation slices: as
    SWD's access port writes while the core runs."""

    def __init__(self, uc):
        self.uc = uc

    def write(self, address, data):
        self.uc.mem_write(address, bytes(data))

    def read(self, address, size):
        return bytes(self.uc.mem_read(address, size))

    def held(self):
        return contextlib.nullcontext()


def test_g030_firmware_takes_blobs_from_its_mailbox(toolchain):
    pytest.importorskip("unicorn")
    from test_g030 import G030Model, build, image

    _, firmware = build(toolchain, "g030")
    board = G030Model(image(firmware))
    c = mb.MailboxClient(board, memory_port=UnicornPort(board.uc))
    info = c.wait_ready(1.0)
    assert c.mailbox is not None, c.fallback
    assert info.get("board") == "stm32g030"
    blob = toolchain.compiler.compile(b"for i in range(3):\n    print(i * i)\n", "g.py")
    record = c.run(blob, 10)
    assert (record.status, record.output, record.extra["push"]) == ("ok", b"0\n1\n4\n", "mailbox")
    over_uart = p.BooterClient(board)
    over_uart.info = info
    again = over_uart.run(blob, 10)
    assert (again.output, again.run_cycles, again.heap_peak) == (record.output, record.run_cycles, record.heap_peak)


def test_pyocd_launcher_offers_its_probe_as_the_memory_port(tmp_path):
    from harness.launchers.pyocd import PyOCDLauncher

    launcher = PyOCDLauncher(load_target("g030"), tmp_path / "firmware.elf", tmp_path)
    with pytest.raises(InfrastructureError, match="no probe connected"):
        launcher.memory_port()
    target = FakeTarget()
    launcher.probe = fake_probe(target)
    launcher.memory_port().write(0x20000010, b"\x01\x02")
    assert target.ram[0x10:0x12] == b"\x01\x02"


# --- Signed blobs and faults through the mailbox ----------------------------------

KEY = bytes(range(40, 72))


def test_signed_blobs_through_the_mailbox(toolchain, tmp_path_factory):
    key_file = tmp_path_factory.mktemp("key") / "device.key"
    key_file.write_bytes(KEY)
    session = TargetSession(load_target("qemu-g030-swd"), toolchain, tmp_path_factory.mktemp("logs"),
                            signing_key_file=str(key_file)).start()
    try:
        assert session.info.get("signed") == "1" and session.device.transport.push == "mailbox"
        blob = toolchain.compiler.compile(b"print('signed')\n", "s.py")
        assert session.execute(blob, 5).record.output == b"signed\n"
        c = client(session)
        for key in (None, bytes(32)):  # unsigned, and signed with another key
            c._signing_key = key
            refused = session.execute(blob, 5)
            assert refused.kind == "rejected" and refused.rejection == "signature", refused.detail
        c._signing_key = KEY
        assert session.execute(blob, 5).record.extra["push"] == "mailbox"
    finally:
        session.stop()


def test_after_a_fault_the_board_resets_and_the_mailbox_push_goes_on(toolchain, tmp_path_factory):
    from test_qemu import crafted_fault_blob

    session = start(toolchain, tmp_path_factory, "qemu-m0", push="swd")
    try:
        crashed = session.execute(crafted_fault_blob(toolchain.compiler), 5)
        assert crashed.kind == "crashed" and crashed.record.fault_pc != 0
        run = session.execute(toolchain.compiler.compile(b"print('after the fault')\n", "a.py"), 5)
        assert run.record.output == b"after the fault\n" and run.record.extra["push"] == "mailbox"
    finally:
        session.stop()
