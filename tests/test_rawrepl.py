"""The raw-REPL transport: its protocol against a scripted stand-in for stock
firmware, then end to end on qemu-m0-repl, MicroPython's own raw REPL on an
emulated board, against the host32-m0-repl reference (host32-m0 with the compiler)."""

import ast
import re
import time

import pytest

from harness.errors import ConfigError, DeviceRejected, DeviceTimeout, LinkClosed
from harness.paths import CASES_DIR
from harness.registry import launchers, transports
from harness.suite.cases import load_case
from harness.suite.session import SuiteRun
from harness.suite.verdict import Verdict
from harness.vms.micropython import rawrepl
from harness.vms.micropython.mpy import Loader
from harness.vms.micropython.rawrepl import RawReplTransport

BANNER = b"raw REPL; CTRL-B to exit\r\n"
MPY_6_3 = 0x306  # sys.implementation._mpy of a bytecode-only 1.23 build
PROBE_ANSWER = {"vm": "micropython", "version": "1.23.0", "mpy": str(MPY_6_3),
                "machine": "Fake board with ESP32", "platform": "esp32", "heap": "100000", "free": "90000",
                "smallint": "31", "features": "core,float,float32,bigint,module:sys,module:gc"}
BLOB = b"M\x06\x00\x1f" + bytes(range(256)) * 3  # every byte value, in a blob of three chunks


def cooked(text: bytes) -> bytes:
    return text.replace(b"\n", b"\r\n")


class FakeFirmware:
    """Answers the transport's commands as stock firmware would: the probe,
    the staging commands (whose blob it reassembles from the literals), and
    the run, which ``case`` scripts as (stdout, stderr, how): how is "ok",
    "hang" (stdout, then nothing) or "crash" (stdout, then a reset)."""

    def __init__(self, case=(b"hello\n", b"", "ok")):
        self.case = case
        self.blob = bytearray()
        self.marker = b""
        self.commands = []

    def __call__(self, code: bytes):
        self.commands.append(code)
        if b"_p('features'" in code:
            return cooked(b"".join(b"%s=%s\n" % (k.encode(), v.encode()) for k, v in PROBE_ANSWER.items())), b"", "ok"
        if b"_fs.data[" in code:
            if b"def _run" in code:
                self.marker = re.search(rb"'\\x1f(hil[0-9a-f]+)'", code).group(1)
                self.blob = bytearray(int(re.search(rb"_FS\((\d+)\)", code).group(1)))
            for start, end, literal in re.findall(rb"_fs\.data\[(\d+):(\d+)\] = (b'[^']*')", code):
                self.blob[int(start):int(end)] = ast.literal_eval(literal.decode())
            return b"", b"", "ok"
        if code.strip() == b"_run()":
            out, err, how = self.case
            if how == "ok":
                out = cooked(out) + b"\x1f" + self.marker + b" 1234 99 5678\x1e"
            return out, cooked(err), how
        return b"", b"", "ok"


class FakeBoard:
    """A link whose other end behaves like stock MicroPython's REPL: the
    friendly REPL, the raw REPL, raw-paste mode (``paste``: "yes", "refuse",
    or "unknown" for firmware older than it), soft resets. ``busy`` is a
    program already running that ignores that many Ctrl-Cs."""

    def __init__(self, firmware, paste="yes", window=32, busy=None):
        self.firmware = firmware
        self.paste = paste
        self.window = window
        self.mode = "friendly" if busy is None else "busy"
        self.busy = busy or 0
        self.line = bytearray()
        self.out = bytearray()
        self.sent = bytearray()
        self.soft_resets = 0
        self.paste_requests = 0
        self.overrun = False
        self.closed = False

    # --- the link ------------------------------------------------------------
    def write(self, data):
        if self.closed:
            raise LinkClosed("the fake board went away")
        self.sent += data
        for byte in data:
            self._take(byte)

    def read(self, size, timeout):
        if self.closed:
            raise LinkClosed("the fake board went away")
        if not self.out:
            time.sleep(min(timeout, 0.002))
            return b""
        data = bytes(self.out[:size])
        del self.out[:size]
        return data

    def close(self):
        pass

    # --- the device ------------------------------------------------------------
    def _take(self, byte):
        c = bytes([byte])
        if self.mode == "hung":
            return
        if self.mode == "busy":
            if c == b"\x03":
                if self.busy:
                    self.busy -= 1
                else:
                    self.out += b"Traceback (most recent call last):\r\nKeyboardInterrupt: \r\n>>> "
                    self.mode = "friendly"
            return
        if self.mode == "friendly":
            if c == b"\x01":
                self.out += b"\r\n" + BANNER + b">"
                self.mode, self.line = "raw", bytearray()
            elif c in (b"\r", b"\x03"):
                self.out += b"\r\n>>> "
            else:
                self.out += c
            return
        if self.mode == "paste":
            if c == b"\x04":
                self.out += b"\x04"
                self.mode = "raw"
                self._execute(bytes(self.line))
                self.line = bytearray()
                return
            self.credit -= 1
            self.overrun |= self.credit < 0
            self.line += c
            self.taken += 1
            if self.taken % self.window == 0:
                self.out += b"\x01"
                self.credit += self.window
            return
        # The raw REPL.
        if c == b"\x01":
            if bytes(self.line) == b"\x05A":
                self.paste_requests += 1
                if self.paste == "yes":
                    self.out += b"R\x01" + self.window.to_bytes(2, "little") + b"\x01"
                    self.mode, self.credit, self.taken = "paste", 2 * self.window, 0
                elif self.paste == "refuse":
                    self.out += b"R\x00>"
                else:
                    self.out += BANNER + b">"
            else:
                self.out += BANNER + b">"
            self.line = bytearray()
        elif c == b"\x03":
            self.line = bytearray()
        elif c == b"\x04":
            if not self.line:
                self.soft_resets += 1
                self.out += b"OK\r\nMPY: soft reboot\r\n" + BANNER + b">"
            else:
                self.out += b"OK"
                self._execute(bytes(self.line))
            self.line = bytearray()
        else:
            self.line += c

    def _execute(self, code):
        out, err, how = self.firmware(code)
        self.out += out
        if how == "hang":
            self.mode = "hung"
        elif how == "crash":
            self.out += b"\r\nFATAL: CPU fault at PC 0x0001a2b4\r\nMicroPython v1.23.0 on 2024-06-02; Fake board " \
                        b"with ESP32\r\nType \"help()\" for more information.\r\n>>> "
            self.mode = "friendly"
        else:
            self.out += b"\x04" + err + b"\x04>"


def connected(firmware=None, options=None, **board_options):
    board = FakeBoard(firmware or FakeFirmware(), **board_options)
    transport = RawReplTransport(board, options)
    transport.connect(timeout=5)
    return board, transport


# --- The protocol, against the stand-in --------------------------------------------

def test_registered_as_raw_repl():
    assert transports.get("raw-repl") is RawReplTransport


def test_connect_describes_the_firmware_like_a_booter():
    board, transport = connected()
    info = transport.info
    assert info.get("vm") == "micropython" and info.get("version") == "1.23.0"
    assert info.get("mpy") == "6.3" and info.get("arch") == "none" and info.number("smallint") == 31
    assert info.heap == 100000 and info.clock_hz == 1_000_000
    assert {"core", "float", "bigint", "module:gc"} <= info.features
    assert info.get("board") == "Fake_board" and info.get("config") == "ESP32" and info.get("paste") == "1"
    assert board.soft_resets == 1 and board.mode == "raw"


def test_connect_interrupts_a_running_program():
    board, transport = connected(busy=1)  # the program swallows the first Ctrl-C
    assert transport.info.get("vm") == "micropython"


def test_a_run_stages_the_blob_and_reads_output_and_timing():
    firmware = FakeFirmware((b"hello\nworld\n", b"", "ok"))
    board, transport = connected(firmware, options={"chunk": 300})
    record = transport.run(BLOB, timeout=5)
    assert bytes(firmware.blob) == BLOB
    assert record.status == "ok" and record.output == b"hello\nworld\n" and record.trace == ""
    assert record.run_cycles == 1234 and record.load_cycles == 99 and record.heap_used == 5678
    assert record.clock_hz == 1_000_000
    assert record.extra["transfer"] == "raw-paste"
    assert board.soft_resets == 2  # one at connect, one for the case
    assert not board.overrun, "the host sent more than the raw-paste window allowed"


def test_bytes_literals_round_trip_every_byte():
    data = bytes(range(256)) + b"'\\\"\n\r\x00"
    literal = rawrepl.bytes_literal(data)
    assert literal.isascii() and literal.isprintable()
    assert ast.literal_eval(literal) == data


TRACE = (b'Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\n'
         b'  File "<stdin>", line 62, in _run\n  File "ints/x.py", line 3, in <module>\n'
         b'  File "ints/x.py", line 2, in f\nValueError: boom\n')


@pytest.mark.parametrize("err, status, trace", [
    (TRACE, "exception", 'Traceback (most recent call last):\n  File "ints/x.py", line 3, in <module>\n'
                         '  File "ints/x.py", line 2, in f\nValueError: boom\n'),
    (b'Traceback (most recent call last):\n  File "<stdin>", line 62, in _run\n  File "x.py", line 1, in '
     b'<module>\nMemoryError: memory allocation failed, allocating 8 bytes\n', "memory-error",
     'Traceback (most recent call last):\n  File "x.py", line 1, in <module>\n'
     'MemoryError: memory allocation failed, allocating 8 bytes\n'),
    (b'Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\n'
     b'  File "<stdin>", line 62, in _run\nValueError: incompatible .mpy file\n', "load-error",
     "ValueError: incompatible .mpy file\n"),
])
def test_uncaught_exceptions_are_classified_and_read_like_the_booters(err, status, trace):
    firmware = FakeFirmware((b"before\n", err, "ok"))
    _, transport = connected(firmware)
    record = transport.run(BLOB, timeout=5)
    assert record.status == status and record.trace == trace and record.output == b"before\n"


def test_refused_raw_paste_falls_back_to_plain_raw_mode():
    firmware = FakeFirmware()
    board, transport = connected(firmware, paste="refuse")
    assert transport.info.get("paste") == "0"
    record = transport.run(BLOB, timeout=5)
    assert record.output == b"hello\n" and record.extra["transfer"] == "raw"
    assert bytes(firmware.blob) == BLOB
    assert board.paste_requests == 1  # asked once, then remembered


def test_firmware_without_raw_paste_falls_back_too():
    firmware = FakeFirmware()
    board, transport = connected(firmware, paste="unknown")
    record = transport.run(BLOB, timeout=5)
    assert record.output == b"hello\n" and transport.info.get("paste") == "0"
    assert bytes(firmware.blob) == BLOB


def test_plain_raw_mode_can_be_forced():
    firmware = FakeFirmware()
    board, transport = connected(firmware, options={"raw_paste": False, "plain_delay": 0})
    record = transport.run(BLOB, timeout=5)
    assert record.extra["transfer"] == "raw" and record.output == b"hello\n"
    assert board.paste_requests == 0 and b"\x05A\x01" not in board.sent


def test_device_ending_raw_paste_early_gets_its_error_read():
    # A syntax error: the device stops taking code with \x04, waits for the
    # host's \x04, then reports the error as usual.
    class Aborting(FakeBoard):
        armed = False

        def _take(self, byte):
            if self.armed and self.mode == "paste" and self.taken == 10:
                self.armed = False
                self.out += b"\x04"
                self.mode = "aborting"
            if self.mode == "aborting":
                if byte == 4:
                    self.out += b"\x04Traceback (most recent call last):\r\nSyntaxError: invalid syntax\r\n\x04>"
                    self.mode, self.line = "raw", bytearray()
                return
            super()._take(byte)

    board = Aborting(FakeFirmware(), window=8)
    transport = RawReplTransport(board)
    transport.connect(5)
    board.armed = True
    out, err = transport.repl.execute(b"x = (" + b"1, " * 40, time.monotonic() + 5, 5)
    assert out == b"" and b"SyntaxError" in err
    assert transport.repl.execute(b"pass", time.monotonic() + 5, 5) == (b"", b"")  # back in step


def test_wrong_version_blob_is_refused_before_anything_is_sent():
    board, transport = connected()
    sent = len(board.sent)
    with pytest.raises(DeviceRejected) as exc:
        transport.run(b"M\x05\x00\x1f" + bytes(20), timeout=5)
    assert len(board.sent) == sent
    assert exc.value.name == "incompatible-mpy"
    assert ".mpy version 5" in str(exc.value) and "_mpy = 0x306" in str(exc.value)


@pytest.mark.parametrize("header, mpy, problem", [
    (b"M\x06\x00\x1f", 0x306, None),
    (b"M\x06\x03\x1f", 0x306, None),                       # bytecode of any sub-version loads
    (b"M\x05\x00\x1f", 0x306, "version 5"),
    (b"X\x06\x00\x1f", 0x306, "not a .mpy"),
    (b"M\x06\x00\x3f", 0x306, "63-bit small ints"),
    (b"M\x06\x13\x1f", 0x306, "native code for armv6m; the firmware runs bytecode only"),
    (b"M\x06\x13\x1f", 0x306 | (6 << 10), None),           # armv6m code on an armv7em build
    (b"M\x06\x2b\x1f", 0x306 | (10 << 10), None),          # xtensawin on xtensawin
    (b"M\x06\x2b\x1f", 0x306 | (9 << 10), "native code for xtensawin; the firmware runs xtensa"),
    (b"M\x06\x2a\x1f", 0x306 | (10 << 10), "native code is .mpy 6.2"),
])
def test_mpy_header_checks_follow_the_loader(header, mpy, problem):
    found = Loader.from_sys_mpy(mpy, 31).problem(header + bytes(8))
    assert (found is None) if problem is None else (problem in found), found


def test_a_case_that_never_ends_times_out_with_its_output():
    firmware = FakeFirmware((b"spinning\r\n", b"", "hang"))
    _, transport = connected(firmware)
    with pytest.raises(DeviceTimeout) as exc:
        transport.run(BLOB, timeout=0.3)
    assert exc.value.output == b"spinning\n"


def test_a_board_that_resets_during_a_case_is_a_fault():
    firmware = FakeFirmware((b"partial\r\n", b"", "crash"))
    _, transport = connected(firmware)
    record = transport.run(BLOB, timeout=5)
    assert record.status == "fault" and record.fault_pc == 0x0001A2B4
    assert record.output.startswith(b"partial\n")
    transport.connect(5)  # the device layer reconnects after a fault
    assert transport.info is not None


def test_a_link_that_goes_away_raises_link_closed():
    board, transport = connected()
    board.closed = True
    with pytest.raises(LinkClosed):
        transport.run(BLOB, timeout=5)


def test_unknown_options_and_signing_are_refused():
    with pytest.raises(ConfigError, match="unknown raw-repl transport options: windw"):
        RawReplTransport(FakeBoard(FakeFirmware()), {"windw": 3})
    with pytest.raises(ConfigError, match="signed"):
        RawReplTransport(FakeBoard(FakeFirmware()), {"signing_key": b"k" * 32})


# --- End to end: MicroPython's raw REPL on qemu-m0-repl ------------------------------

SAMPLE = ["ints", "exceptions", "generators", "str", "floats", "classes", "gc", "loader"]


@pytest.fixture(scope="module")
def repl(toolchain, tmp_path_factory):
    run = SuiteRun("qemu-m0-repl", toolchain=toolchain, log_dir=tmp_path_factory.mktemp("logs")).start()
    yield run
    run.stop()


def blob_of(repl, source: str, name: str = "t.py") -> bytes:
    return repl.toolchain.compiler.compile(source.encode(), name)


def assert_recovers(repl, make_case):
    result = repl.run_case(make_case("after", "print('still here', 6 * 7)\n"))
    assert result.verdict is Verdict.PASS, result.summary()


@pytest.mark.integration
def test_cases_pass_and_match_the_host_reference(repl):
    # Each case's output and traceback must equal host32-m0-repl's byte for byte
    # (judge() compares them), besides CPython's output.
    cases = [load_case(path, CASES_DIR) for area in SAMPLE for path in sorted((CASES_DIR / area).glob("*.py"))][::4]
    results = [repl.run_case(c) for c in cases]
    bad = [r.summary() + "\n" + r.diff for r in results if r.verdict not in (Verdict.PASS, Verdict.SKIP)]
    assert not bad, "\n".join(bad)
    ran = [r for r in results if r.verdict is Verdict.PASS]
    assert len(ran) > 20
    for r in ran:
        assert r.reference["target"] == "host32-m0-repl"
        assert r.figures["clock_hz"] == 1_000_000
        assert r.figures["run_cycles"] > 0 and r.figures["load_cycles"] > 0


@pytest.mark.integration
def test_the_firmware_looks_like_qemu_m0_to_the_harness(repl):
    info = repl.session.info
    assert info.get("mpy") == "6.3" and info.number("smallint") == 31 and info.get("board") == "qemu-m0-repl"
    assert info.get("paste") == "1"  # MicroPython's raw REPL offers raw-paste
    assert info.get("build") == repl.session.firmware.build_id
    assert 60_000 < info.heap <= 65536
    assert {"float32", "bigint", "module:gc", "slice-attrs", "inplace-ops"} <= info.features


@pytest.mark.integration
def test_uncaught_exceptions_match_the_booter_traceback(repl):
    source = "def f(x):\n    raise ValueError('bad %d' % x)\nprint('before')\nf(3)\n"
    blob = blob_of(repl, source, "exceptions/uncaught.py")
    run, ref = repl.session.execute(blob, 5), repl.reference.execute(blob, 5)
    assert run.record.status == "exception" == ref.record.status
    assert run.record.output == ref.record.output == b"before\n"
    assert run.record.trace == ref.record.trace
    assert 'File "exceptions/uncaught.py", line 2, in f' in run.record.trace


@pytest.mark.integration
def test_memory_error_is_classified(repl):
    blob = blob_of(repl, "keep = []\nwhile True:\n    keep.append(bytearray(4096))\n", "gc/exhaust.py")
    run, ref = repl.session.execute(blob, 10), repl.reference.execute(blob, 10)
    assert run.record.status == "memory-error" == ref.record.status
    assert run.record.trace.splitlines()[:2] == ref.record.trace.splitlines()[:2]
    assert run.record.trace.splitlines()[-1].startswith("MemoryError")


@pytest.mark.integration
def test_a_large_blob_crosses_raw_paste_windows(repl):
    # Several staging commands, each longer than the raw-paste window.
    source = "".join(f"v{i} = {i * 7919}\n" for i in range(600)) + "print(sum([v0, v1, v598, v599]))\n"
    blob = blob_of(repl, source, "loader/wide.py")
    assert len(blob) > 2 * 2048
    run, ref = repl.session.execute(blob, 10), repl.reference.execute(blob, 10)
    assert run.kind == "completed" and run.record.output == ref.record.output == b"%d\n" % (1198 * 7919)


@pytest.mark.integration
def test_soft_reset_between_cases_leaves_no_state(repl, make_case):
    first = make_case("leak", "import sys, __main__\nsys.path.append('leaked')\n__main__.leaked = 1\n"
                              "print('set')\n")
    second = make_case("check", "import sys, __main__\nprint('leaked' in sys.path, hasattr(__main__, 'leaked'))\n",
                       exp="False False\n")
    assert repl.run_case(first).verdict is Verdict.PASS
    result = repl.run_case(second)
    assert result.verdict is Verdict.PASS, result.summary() + result.diff


@pytest.mark.integration
def test_hang_times_out_and_the_board_recovers(repl, make_case):
    restarts = repl.session.device.restarts
    result = repl.run_case(make_case("hang", "# timeout: 1\nprint('spinning')\nwhile True:\n    pass\n"))
    assert result.verdict is Verdict.TIMEOUT
    assert result.actual == "spinning\n"
    assert repl.session.device.restarts == restarts + 1
    assert_recovers(repl, make_case)


@pytest.mark.integration
def test_wrong_version_blob_is_refused_before_sending(repl, make_case):
    transport = repl.session.device.transport
    writes = []
    original = transport.link.write
    transport.link.write = lambda data: (writes.append(data), original(data))
    try:
        blob = blob_of(repl, "print(1)\n")
        run = repl.session.execute(bytes([blob[0], 5]) + blob[2:], 5)
    finally:
        del transport.link.write
    assert run.kind == "rejected" and run.rejection == "incompatible-mpy"
    assert "the blob is .mpy version 5; the firmware loads .mpy 6.3 (sys.implementation._mpy = 0x306)" in run.detail
    assert writes == []
    assert_recovers(repl, make_case)


@pytest.mark.integration
def test_a_cpu_fault_is_a_crash_and_the_board_comes_back(repl, make_case):
    # As in test_qemu: bytecode that loads constant 16383 of a 130-entry
    # table reads far outside RAM, and the CPU faults.
    source = "".join(f"x = b'{i}'\n" for i in range(130)) + "print(x)\n"
    blob = blob_of(repl, source, "fault.py")
    at = blob.rindex(bytes([0x23, 0x81, 0x01]))  # LOAD_CONST_OBJ 129
    run = repl.session.execute(blob[:at] + bytes([0x23, 0xFF, 0x7F]) + blob[at + 3:], 5)
    assert run.kind == "crashed" and run.record.status == "fault" and run.record.fault_pc != 0
    assert_recovers(repl, make_case)


@pytest.mark.integration
def test_plain_raw_mode_forced_by_option_runs_the_same(repl, tmp_path):
    # A second board of the same firmware, its transport told not to use raw-paste.
    launcher = launchers.get("qemu")(repl.target, repl.session.firmware.product, tmp_path)
    try:
        transport = RawReplTransport(launcher.activate(), {"raw_paste": False, "plain_delay": 0})
        info = transport.connect(repl.target.startup_timeout)
        assert info.get("paste") == "0"
        source = "".join(f"v{i} = {i}\n" for i in range(300)) + "print('plain', v299)\n"
        record = transport.run(blob_of(repl, source, "plain.py"), 10)
        assert record.status == "ok" and record.output == b"plain 299\n"
        assert record.extra["transfer"] == "raw"
    finally:
        launcher.deactivate()
