"""The pika-shell transport (harness/vms/pikascript/shell.py): against a fake
board that speaks PikaScript's shell as PikaObj.c does, and end to end on
qemu-m0-pika-shell (stock-like firmware with its shell, APP=shell) against
its host reference pika-host32."""

from __future__ import annotations

import struct

import pytest

from harness.errors import DeviceRejected, DeviceTimeout, LinkClosed
from harness.registry import transports
from harness.suite.session import SuiteRun
from harness.suite.verdict import Verdict
from harness.vms.pikascript.shell import PikaShellTransport
from harness.vms.pikascript.shell_text import split_run

BOOT = (b"======[pikapython packages installed]======\r\npikascript-core==v1.14.0 (2026/07/18 17:18:19)\r\n"
        b"===========================================\r\n\r\n~~~/ POWERED BY \\~~~\r\n~  pikapython.com  ~\r\n"
        b"~~~~~~~~~~~~~~~~~~~~\r\n>>> ")
# A .py.o of one instruction and a one-string pool: enough for the stream.
PYO_CODE = struct.pack("<I", 4) + b"\x00\x80\x00\x00" + struct.pack("<I", 2) + b"\x00\x00"
PYO = b"\x0fpyo" + struct.pack("<I", len(PYO_CODE)) + PYO_CODE
TRACE = b"   STR m \t\t(#7)\r\n   RUN ValueError \t\t(#9)\r\n -> RIS  \t\t(#0)\r\n -> RUN f \t\t(#20)\r\n"


class FakeShell:
    """A link whose other end is PikaScript's shell: it echoes what is
    typed, runs ``reboot()`` and the float probe, and takes a streamed .py.o
    (``0f 'pyo'``, u32 size, the rest), answering with the File and RUN lines,
    then what ``run`` scripts: (bytes printed, how it ends: "prompt", "hang"
    or "reboot" (the board boots again))."""

    def __init__(self, run=(b"hello\r\n", "prompt"), version=b"1.14.0", boot_at_start=True):
        self.run = run
        self.boot = BOOT.replace(b"1.14.0", version)
        self.out = bytearray(self.boot if boot_at_start else b"")
        self.incoming = bytearray()
        self.received = []        # the blobs the shell took
        self.reboots = 0
        self.writes = []
        self.closed = False

    def write(self, data: bytes) -> None:
        if self.closed:
            raise LinkClosed("gone")
        self.writes.append(bytes(data))
        self.incoming += data
        self._serve()

    def _serve(self) -> None:
        while self.incoming:
            if self.incoming.startswith(b"\x0fpyo"):
                if len(self.incoming) < 8:
                    return
                size = struct.unpack_from("<I", self.incoming, 4)[0] + 8
                if len(self.incoming) < size:
                    return
                blob = bytes(self.incoming[:size])
                del self.incoming[:size]
                self.received.append(blob)
                self.out += (b"\x0f\r\n=============== [File] ===============\r\n[   Info] Recived size: %d\r\n"
                             b"=============== [ RUN] ===============\r\n" % size)
                printed, how = self.run
                self.out += printed
                if how == "prompt":
                    self.out += b">>> "
                elif how == "reboot":
                    self.reboots += 1
                    self.out += self.boot
                continue
            end = self.incoming.find(b"\r")
            if end < 0:
                return
            line = bytes(self.incoming[:end])
            del self.incoming[:end + 1]
            self.out += line + b"\r\r\n"
            if line == b"reboot()":
                self.reboots += 1
                self.out += self.boot
            elif line.startswith(b"print(16777217.0"):
                self.out += b"1.000000\r\n>>> "
            else:
                self.out += b">>> "

    def read(self, size: int, timeout: float) -> bytes:
        if self.closed:
            raise LinkClosed("gone")
        data = bytes(self.out[:size])
        del self.out[:size]
        return data

    def close(self) -> None:
        self.closed = True


def connected(board: FakeShell) -> PikaShellTransport:
    transport = PikaShellTransport(board, {"command_timeout": 0.5})
    transport.connect(1.0)
    return transport


def test_registered_as_pika_shell():
    assert transports.get("pika-shell") is PikaShellTransport


def test_connect_reads_the_core_version_from_the_boot_and_probes_the_float_type():
    board = FakeShell()
    info = connected(board).info
    assert (info.get("vm"), info.get("version"), info.get("pyo"), info.get("pya")) == ("pikascript", "1.14.0",
                                                                                       "1.14", "7")
    assert info.features == {"core", "float", "double"} and info.get("modules") == "0"
    assert board.reboots == 1 and info.get("clock") == "1000000"


def test_a_board_that_booted_long_ago_is_found_at_its_prompt():
    board = FakeShell(boot_at_start=False)
    assert connected(board).info.get("version") == "1.14.0"


def test_a_run_reboots_streams_the_py_o_as_it_is_and_reads_the_output():
    board = FakeShell(run=(b"hello\r\n3\r\n", "prompt"))
    transport = connected(board)
    record = transport.run(PYO, 1.0)
    assert board.received == [PYO]
    assert record.status == "ok" and record.output == b"hello\r\n3\r\n" and record.trace == ""
    assert record.clock_hz == 1_000_000 and record.extra["timing"].startswith("host clock")
    transport.run(PYO, 1.0)
    # Each case starts from a fresh boot (connect's own was used by its probe).
    assert board.reboots == 3


@pytest.mark.parametrize("printed, output, last", [
    (b"a\r\nZeroDivisionError: division by zero\n   NUM 1 \t\t(#14)\r\n -> OPT / \t\t(#18)\r\n", b"a\r\n",
     "ZeroDivisionError: division by zero"),
    (b"ok\r\n" + TRACE, b"ok\r\n", "ValueError"),                       # the VM dropped the message
    (b"x\x1b[31mTypeError: bad\x1b[0m\n -> RUN f \t\t(#2)\r\n", b"x", "TypeError: bad"),  # print(end='')
])
def test_an_uncaught_error_is_an_exception_ending_in_its_type_and_message(printed, output, last):
    record = connected(FakeShell(run=(printed, "prompt"))).run(PYO, 1.0)
    assert record.status == "exception" and record.output == output
    assert record.trace.splitlines()[-1] == last
    assert record.trace == printed[len(output):].decode() + last + "\n"


def test_printed_text_like_an_error_without_a_trace_is_output():
    split = split_run(b"ValueError: just text\r\nIndexError\n")
    assert (split.output, split.error) == (b"ValueError: just text\r\nIndexError\n", "")


def test_heap_exhausted_and_the_board_rebooting_is_a_memory_error():
    board = FakeShell(run=(b"1\r\nFatalError: heap exhausted (320-byte allocation); stopped\r\n", "reboot"))
    transport = connected(board)
    record = transport.run(PYO, 1.0)
    assert record.status == "memory-error" and record.output == b"1\r\n"
    assert record.trace.splitlines()[-1] == "MemoryError: heap exhausted (320-byte allocation)"
    # The board is at a fresh prompt: the next case needs no reboot of its own.
    board.run = (b"2\r\n", "prompt")
    assert transport.run(PYO, 1.0).output == b"2\r\n" and board.reboots == 3


def test_a_cpu_fault_is_a_fault_with_its_pc():
    board = FakeShell(run=(b"1\r\n\r\nFATAL: CPU fault at PC 0x0000c416\r\n", "reboot"))
    record = connected(board).run(PYO, 1.0)
    assert record.status == "fault" and record.fault_pc == 0xC416 and record.output == b"1\r\n"


def test_a_case_that_never_ends_times_out_with_its_output():
    transport = connected(FakeShell(run=(b"spinning\r\n", "hang")))
    with pytest.raises(DeviceTimeout) as caught:
        transport.run(PYO, 0.2)
    assert caught.value.output == b"spinning\r\n" and "did not finish" in str(caught.value)


def test_blobs_it_cannot_run_are_refused_before_anything_is_sent():
    board = FakeShell()
    transport = connected(board)
    sent = len(board.writes)
    with pytest.raises(DeviceRejected) as caught:
        transport.run(b"\x0fpya" + bytes(60), 1.0)
    assert caught.value.name == "not-a-module"
    older = connected(FakeShell(version=b"1.8.6"))
    with pytest.raises(DeviceRejected) as caught:
        older.run(PYO, 1.0)
    assert caught.value.name == "incompatible-pyo" and "core 1.8" in caught.value.text
    assert len(board.writes) == sent


def test_unknown_options_and_signing_are_refused():
    from harness.errors import ConfigError
    with pytest.raises(ConfigError):
        PikaShellTransport(FakeShell(), {"baud": 1})
    with pytest.raises(ConfigError):
        PikaShellTransport(FakeShell(), {"signing_key": b"k"})


# --- end to end on the emulated board ------------------------------------------

@pytest.fixture(scope="module")
def shell(tmp_path_factory):
    run = SuiteRun("qemu-m0-pika-shell", log_dir=tmp_path_factory.mktemp("logs")).start()
    yield run
    run.stop()


@pytest.mark.integration
def test_the_shell_firmware_matches_its_host_reference(shell, make_case):
    # judge() compares output and error text with pika-host32's byte for byte.
    cases = [
        make_case("ok", "x = 6\nprint(x * 7)\nfor i in range(3):\n    print(i)\n"),
        make_case("error", "def f(x):\n    return 1 / x\nprint('a')\nf(0)\n",
                  exp="a\nZeroDivisionError: division by zero\n"),
        make_case("caught", "try:\n    x = 1 / 0\nexcept:\n    print('caught')\nprint('after')\n"),
    ]
    for case in cases:
        result = shell.run_case(case)
        assert result.verdict is Verdict.PASS, result.summary() + result.diff
        assert result.reference["target"] == "pika-host32"
    info = shell.session.info
    assert info.get("proto") == "pika-shell" and info.get("version") == "1.14.0"


@pytest.mark.integration
def test_heap_exhaustion_and_a_fresh_board_for_the_next_case(shell, make_case):
    blob = shell.toolchain.compile(shell.target, b"x = []\nwhile True:\n    x.append('a' * 20 + str(len(x)))\n",
                                   "exhaust.py")
    run, ref = shell.session.execute(blob, 10), shell.reference.execute(blob, 10)
    assert run.record.status == "memory-error" == ref.record.status
    # The same allocation fails: the shell's heap is the booter's, with the same objects in it.
    assert run.record.trace.splitlines()[-1] == ref.record.trace.splitlines()[-1]
    leak = make_case("leak", "leaked = 1\nprint('set')\n")
    check = make_case("check", "print(leaked)\n", exp="NameError: name 'leaked' is not defined\n")
    assert shell.run_case(leak).verdict is Verdict.PASS
    result = shell.run_case(check)
    assert result.verdict is Verdict.PASS, result.summary() + result.diff
