"""The esptool launcher, end to end against esp32-mock-bootloader (no board needed).

The mock answers esptool's ROM-bootloader conversation on a TCP port (or a
PTY) and keeps the written flash in memory for as long as it runs, so a
second bring-up can find the firmware already there. It cannot change baud
rates or drop a conversation on demand, so a small TCP proxy between the
launcher and the mock does that: it garbles a link after a switch to a rate
above its limit, and cuts chosen conversations at a chosen command.
"""

from __future__ import annotations

import hashlib
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from harness.device.link import SerialLink
from harness.errors import InfrastructureError
from harness.launchers.esptool import Dropped, EsptoolFlasher, EsptoolLauncher
from harness.procs import die_with_parent
from harness.targets import load_target

OFFSET = 0x1000
CMD = {"SYNC": 0x08, "MEM_DATA": 0x07, "CHANGE_BAUDRATE": 0x0F, "FLASH_DEFL_DATA": 0x11, "SPI_FLASH_MD5": 0x13}


# -- a synthetic ESP32 image ----------------------------------------------------

def esp_image(version: int = 1, size: int = 6 * 1024, chip_id: int = 0) -> bytes:
    """A small, valid-looking ESP32 app image: header, extended header, one segment, checksum."""
    body = (f"bytecode-hil test image {version}; ".encode() * (size // 16 + 1))[:size - size % 4]
    header = struct.pack("<BBBBI", 0xE9, 1, 2, 0x20, 0x40080400)          # magic, 1 segment, DIO, 4MB/40MHz, entry
    extended = struct.pack("<B3sHBHH4sB", 0xEE, b"\0\0\0", chip_id, 0, 0, 0, b"\0" * 4, 0)
    segment = struct.pack("<II", 0x3FFB0000, len(body)) + body
    image = header + extended + segment
    checksum = 0xEF
    for byte in body:
        checksum ^= byte
    image += b"\0" * (15 - len(image) % 16) + bytes([checksum])
    return image


@pytest.fixture
def firmware(tmp_path):
    def write(version: int = 1, **kwargs) -> Path:
        path = tmp_path / f"ESP32_GENERIC-test-v{version}.bin"
        path.write_bytes(esp_image(version, **kwargs))
        return path
    return write


# -- the mock bootloader --------------------------------------------------------

class Mock:
    """esp32-mock-bootloader in a child process: ``url`` is what esptool talks to."""

    def __init__(self, tmp_path: Path, chip: str = "esp32", pty: bool = False):
        try:
            import esp32_mock_bootloader  # noqa: F401
        except ImportError:
            pytest.fail("esp32-mock-bootloader is not installed: run make setup (pyproject.toml lists it)")
        endpoint = tmp_path / f"mock-{chip}-{'pty' if pty else 'tcp'}.endpoint"
        cmd = [sys.executable, "-m", "esp32_mock_bootloader.cli", "run", "--chip", chip, "--port-file", str(endpoint)]
        cmd += ["--pty"] if pty else ["--port", "0"]
        env = {**os.environ, "ESP32_MOCK_BOOTLOADER_STATE_DIR": str(tmp_path / "mock-state")}
        self.log = tmp_path / "mock.log"
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                                         preexec_fn=die_with_parent)  # no orphan if pytest is killed
        deadline = time.monotonic() + 30
        while not (endpoint.exists() and endpoint.read_text().strip()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"the mock bootloader did not start: {self.log.read_text()}")
            time.sleep(0.02)
        text = endpoint.read_text().strip()
        self.url = text if pty else f"socket://127.0.0.1:{int(text)}"
        self.port = None if pty else int(text)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def mock(tmp_path):
    m = Mock(tmp_path)
    yield m
    m.stop()


def flash_md5(url: str, offset: int, size: int) -> str:
    """The mock's flash MD5, asked through esptool directly (not through the launcher)."""
    from esptool.cmds import attach_flash, detect_chip, run_stub

    with detect_chip(url, 115200, "no-reset", connect_attempts=3) as esp:
        esp = run_stub(esp)
        attach_flash(esp)
        return esp.flash_md5sum(offset, size)


# -- a TCP proxy that breaks conversations on purpose -------------------------

def slip_frames(buf: bytearray):
    """Cut complete SLIP frames (with their 0xC0 ends) off the front of ``buf``."""
    while buf:
        if buf[0] != 0xC0:
            end = buf.find(b"\xc0")
            end = len(buf) if end < 0 else end
            chunk, buf[:] = bytes(buf[:end]), buf[end:]
            yield chunk, None
            continue
        end = buf.find(b"\xc0", 1)
        if end < 0:
            return
        if end == 1:  # two ends in a row: an empty frame
            buf[:] = buf[1:]
            yield b"\xc0", None
            continue
        chunk, buf[:] = bytes(buf[:end + 1]), buf[end + 1:]
        body = chunk[1:-1].replace(b"\xdb\xdc", b"\xc0").replace(b"\xdb\xdd", b"\xdb")
        yield chunk, body if len(body) >= 8 and body[0] == 0 else None


class FaultProxy:
    """Between the launcher and the mock; a new TCP connection is a new bootloader conversation.

    ``drop(index, opcode, nth)`` says whether to cut conversation ``index``
    (0, 1, ...) when its client sends the ``nth`` command ``opcode``.
    ``max_baud``: after a CHANGE_BAUDRATE above it, the mock's answer still
    comes through and then nothing more, as on a link too poor for the rate.
    """

    def __init__(self, upstream: int, drop=None, max_baud: int | None = None):
        self.upstream = upstream
        self.drop = drop or (lambda index, op, nth: False)
        self.max_baud = max_baud
        self.conversations = 0
        self.dropped = 0
        self.garbled = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"socket://127.0.0.1:{self.server.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            index, self.conversations = self.conversations, self.conversations + 1
            threading.Thread(target=self._serve, args=(client, index), daemon=True).start()

    def _serve(self, client: socket.socket, index: int):
        upstream = socket.create_connection(("127.0.0.1", self.upstream))
        state = {"ack": False, "garbled": False, "ends": 0}

        def close():
            for s in (client, upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

        def down():  # mock -> launcher
            try:
                while data := upstream.recv(65536):
                    if state["garbled"]:
                        continue
                    if state["ack"]:  # let the baud change's answer through, then nothing
                        for i, byte in enumerate(data):
                            state["ends"] += byte == 0xC0
                            if state["ends"] == 2:
                                data, state["garbled"] = data[:i + 1], True
                                break
                    client.sendall(data)
            except OSError:
                pass
            close()

        threading.Thread(target=down, daemon=True).start()
        buf, counts = bytearray(), {}
        try:
            while data := client.recv(65536):
                if state["garbled"]:
                    continue
                buf += data
                for chunk, body in slip_frames(buf):
                    if body is not None:
                        op = body[1]
                        counts[op] = counts.get(op, 0) + 1
                        if self.drop(index, op, counts[op]):
                            self.dropped += 1
                            close()
                            return
                        if op == CMD["CHANGE_BAUDRATE"] and self.max_baud:
                            if struct.unpack_from("<I", body, 8)[0] > self.max_baud:
                                self.garbled += 1
                                state["ack"] = True
                    upstream.sendall(chunk)
        except OSError:
            pass
        close()

    def close(self):
        self.server.close()


# -- helpers ------------------------------------------------------------------

def make_launcher(tmp_path: Path, port: str | None, firmware: Path | None = None, **options) -> EsptoolLauncher:
    """A launcher as TargetSession makes it: the target's launcher_options under the board's entry."""
    target = load_target("esp32")
    board = {"retry_delay": 0, **options}
    if port is not None:
        board["port"] = port
    if firmware is not None:
        board["firmware"] = str(firmware)
    return EsptoolLauncher(target, None, tmp_path / "logs", {**target.launcher_options, **board})


def bring_up(launcher: EsptoolLauncher):
    link = launcher.activate()
    try:
        return launcher.report, link
    finally:
        launcher.deactivate()


# -- flashing, verifying, skipping ----------------------------------------------

def test_flashes_then_skips_the_same_image_then_flashes_a_changed_one(mock, firmware, tmp_path, capfd):
    first = firmware(1)
    launcher = make_launcher(tmp_path, mock.url, first)
    link = launcher.activate()
    try:
        assert isinstance(link, SerialLink)  # the console, returned without waiting for a REPL
        link.write(b"\x03")
    finally:
        launcher.deactivate()
    report = launcher.report
    assert (report.action, report.chip, report.baud, report.attempts) == ("written", "ESP32", 921600, 1)
    data = first.read_bytes()
    assert report.md5 == hashlib.md5(data).hexdigest()
    assert flash_md5(mock.url, OFFSET, len(data)) == report.md5  # the bytes really are in flash
    err = capfd.readouterr().err
    assert f"flashing {first.name} ({len(data)} bytes) (md5 {report.md5}; the board runs md5 " in err
    assert "at 0x1000 at 921600 baud" in err
    assert "written and verified (921600 baud" in err

    again, _ = bring_up(make_launcher(tmp_path, mock.url, first))
    assert again.action == "skipped" and again.attempts == 1
    assert f"the board runs {first.name} ({len(data)} bytes) (md5 {report.md5}) already: not flashed" in \
        capfd.readouterr().err

    second = firmware(2)
    changed, _ = bring_up(make_launcher(tmp_path, mock.url, second))
    assert changed.action == "written" and changed.md5 != report.md5
    assert flash_md5(mock.url, OFFSET, second.stat().st_size) == changed.md5
    assert "Hash of data verified" in (tmp_path / "logs" / "esp32-esptool.log").read_text()


def test_the_same_launcher_reactivates_and_recovers(mock, firmware, tmp_path):
    launcher = make_launcher(tmp_path, mock.url, firmware(1))
    first = launcher.activate()
    assert launcher.report.action == "written"
    second = launcher.recover()  # a reset through RTS (a no-op over TCP) and a new console link
    assert second is not first and launcher.link is second
    launcher.deactivate()
    launcher.deactivate()  # twice is fine
    launcher.activate()
    assert launcher.report.action == "skipped"
    assert "serial link to esp32" in launcher.describe_loss()
    launcher.deactivate()


def test_a_device_path_port_works_too(tmp_path, firmware):
    """The mock on a PTY: esptool's DTR/RTS reset path, as on a USB serial port."""
    mock = Mock(tmp_path, pty=True)
    try:
        image = firmware(3)
        assert bring_up(make_launcher(tmp_path, mock.url, image))[0].action == "written"
        launcher = make_launcher(tmp_path, mock.url, image)
        launcher.activate()
        assert launcher.report.action == "skipped"
        assert isinstance(launcher.recover(), SerialLink)  # a PTY has no modem lines: logged, not raised
        launcher.deactivate()
    finally:
        mock.stop()


def test_esptool_output_goes_to_the_log_and_its_logger_is_put_back(mock, firmware, tmp_path, capfd):
    from esp_pylib.logger import EspLog

    before = EspLog.instance
    bring_up(make_launcher(tmp_path, mock.url, firmware(1)))
    assert EspLog.instance is before
    out = capfd.readouterr().out
    assert "Uploading stub" not in out  # esptool's chatter is in the log, not on the terminal
    log = (tmp_path / "logs" / "esp32-esptool.log").read_text()
    assert "Uploading stub flasher" in log and "Changing baud rate to 921600" in log


# -- retries --------------------------------------------------------------------

@pytest.mark.parametrize("where", ["MEM_DATA", "FLASH_DEFL_DATA", "SPI_FLASH_MD5"])
def test_a_dropped_conversation_is_started_again(mock, firmware, tmp_path, where):
    proxy = FaultProxy(mock.port, drop=lambda index, op, nth: index == 0 and op == CMD[where] and nth == 1)
    try:
        report, _ = bring_up(make_launcher(tmp_path, proxy.url, firmware(1)))
    finally:
        proxy.close()
    assert proxy.dropped == 1
    assert report.action == "written" and report.attempts == 2
    assert len(report.problems) == 1
    assert flash_md5(mock.url, OFFSET, firmware(1).stat().st_size) == report.md5


def test_three_drops_are_survived_and_a_fourth_is_an_error(mock, firmware, tmp_path):
    md5 = CMD["SPI_FLASH_MD5"]
    proxy = FaultProxy(mock.port, drop=lambda index, op, nth: index < 3 and op == md5)
    try:
        report, _ = bring_up(make_launcher(tmp_path, proxy.url, firmware(1)))
        assert report.attempts == 4 and proxy.dropped == 3
        proxy.drop = lambda index, op, nth: op == md5
        with pytest.raises(InfrastructureError) as exc:
            make_launcher(tmp_path, proxy.url, firmware(1)).activate()
    finally:
        proxy.close()
    assert "failed 4 times" in str(exc.value) and "esptool log" in exc.value.hint


def test_drops_repeated_many_times_always_end_flashed(mock, firmware, tmp_path):
    """One conversation in three cut at a varying command: every bring-up still lands."""
    ops = [CMD["MEM_DATA"], CMD["FLASH_DEFL_DATA"], CMD["SPI_FLASH_MD5"], CMD["CHANGE_BAUDRATE"]]
    proxy = FaultProxy(mock.port, drop=lambda index, op, nth: index % 3 == 1 and op == ops[index // 3 % 4])
    try:
        for version in range(1, 5):
            report, _ = bring_up(make_launcher(tmp_path, proxy.url, firmware(version % 2)))
            assert report.action in ("written", "skipped")
    finally:
        proxy.close()
    assert proxy.dropped >= 2


# -- baud fallback --------------------------------------------------------------

def test_falls_back_to_the_fastest_rate_the_link_carries(mock, firmware, tmp_path):
    proxy = FaultProxy(mock.port, max_baud=230400)
    try:
        launcher = make_launcher(tmp_path, proxy.url, firmware(1))
        launcher.activate()
        launcher.deactivate()
        report = launcher.report
        assert (report.action, report.baud, report.attempts) == ("written", 230400, 1)
        assert [p.split(":")[0] for p in report.problems] == ["921600 baud failed", "460800 baud failed"]
        assert proxy.garbled == 2 and proxy.conversations == 4  # three bring-up conversations, the console
        launcher.activate()  # the next bring-up starts at the rate that worked
        launcher.deactivate()
        assert launcher.report.baud == 230400 and launcher.report.problems == []
        assert proxy.garbled == 2
    finally:
        proxy.close()


class FakeFlasher:
    """The EsptoolFlasher interface over nothing: for what the mock cannot show."""

    flash: dict = {}
    refuse_host: set = set()
    failing_bauds: set = set()
    conversations: list = []

    chip_name = staticmethod(EsptoolFlasher.chip_name)
    chip_facts = staticmethod(EsptoolFlasher.chip_facts)
    known_chips = staticmethod(EsptoolFlasher.known_chips)

    def __init__(self, port, log, connect_attempts=7):
        self.bauds = []
        self.conversations.append(self.bauds)

    def open(self): pass
    def connect(self): return "ESP32"
    def run_stub(self): pass
    def host_accepts(self, baud): return baud not in self.refuse_host

    def change_baud(self, baud):
        self.bauds.append(baud)
        if baud in self.failing_bauds:
            raise Dropped(f"changing to {baud} baud: no answer")

    def probe(self): pass
    def attach_flash(self): return 4 << 20
    def flash_md5(self, offset, size): return hashlib.md5(self.flash.get(offset, b"")[:size]).hexdigest()
    def write(self, offset, data): self.flash[offset] = data
    def verify(self, offset, data): assert self.flash[offset] == data
    def hard_reset(self): pass
    def close(self): pass


@pytest.mark.parametrize("refuse, fail, expected, conversations", [
    (set(), set(), 921600, [[921600]]),
    ({921600}, {460800}, 230400, [[460800], [230400]]),
    (set(), {921600, 460800, 230400}, 115200, [[921600], [460800], [230400], []]),
])
def test_baud_fallback_logic(tmp_path, firmware, monkeypatch, refuse, fail, expected, conversations):
    fake = type("Fake", (FakeFlasher,), {"flash": {}, "refuse_host": refuse, "failing_bauds": fail,
                                         "conversations": []})
    monkeypatch.setattr(EsptoolLauncher, "flasher_class", fake)
    monkeypatch.setattr(EsptoolLauncher, "_open_console", lambda self: "console")
    launcher = make_launcher(tmp_path, "/dev/ttyFAKE", firmware(1))
    assert launcher.activate() == "console"
    assert launcher.report.baud == expected and launcher.report.attempts == 1
    assert fake.conversations == conversations
    assert bring_up(launcher)[0].action == "skipped"


def test_a_lower_flash_baud_starts_lower(tmp_path):
    assert EsptoolLauncher._ladder(460800) == [460800, 230400, 115200]
    assert EsptoolLauncher._ladder(1500000) == [1500000, 921600, 460800, 230400, 115200]
    assert EsptoolLauncher._ladder(57600) == [57600, 115200]


# -- clear errors -----------------------------------------------------------------

def expect_error(launcher: EsptoolLauncher, message: str, hint: str = "") -> InfrastructureError:
    with pytest.raises(InfrastructureError) as exc:
        launcher.activate()
    assert message in exc.value.message, exc.value
    assert hint in exc.value.hint, exc.value
    assert launcher.link is None
    return exc.value


def test_no_firmware_given(tmp_path):
    expect_error(make_launcher(tmp_path, "socket://127.0.0.1:9"), "none was given", "--firmware=")


def test_firmware_file_missing(tmp_path):
    expect_error(make_launcher(tmp_path, "socket://127.0.0.1:9", tmp_path / "nope.bin"), "does not exist")


@pytest.mark.parametrize("content, found", [(b"\x7fELF" + bytes(60), "starts with 0x7f"), (b"", "is empty"),
                                            (b"\xe9\x01", "at least 24 bytes")])
def test_firmware_that_is_not_an_esp_image(tmp_path, content, found):
    path = tmp_path / "firmware.elf"
    path.write_bytes(content)
    error = expect_error(make_launcher(tmp_path, "socket://127.0.0.1:9", path), "is not an ESP firmware image",
                         ".bin from micropython.org")
    assert found in error.message


def test_firmware_for_another_chip(tmp_path, firmware):
    expect_error(make_launcher(tmp_path, "socket://127.0.0.1:9", firmware(1, chip_id=9)),
                 "built for another chip (image chip id 9), not for ESP32")


def test_no_port_in_the_inventory(tmp_path, firmware):
    expect_error(make_launcher(tmp_path, None, firmware(1)), "no serial port for esp32", "--port")


def test_unknown_chip(tmp_path, firmware):
    expect_error(make_launcher(tmp_path, "socket://127.0.0.1:9", firmware(1), chip="esp99"),
                 "does not know the chip 'esp99'", "esp32s3")


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as s:
        return s.getsockname()[1]


@pytest.mark.parametrize("port", ["socket", "/dev/ttyUSB-no-such-port"])
def test_port_that_cannot_be_opened(tmp_path, firmware, port):
    if port == "socket":
        port = f"socket://127.0.0.1:{free_port()}"  # nothing listens there
    expect_error(make_launcher(tmp_path, port, firmware(1)), f"cannot open the serial port {port}", "plugged in")


def test_no_bootloader_answers(tmp_path, firmware):
    """A port where something listens and never answers: a board not in download mode."""
    server = socket.create_server(("127.0.0.1", 0))
    conns = []

    def swallow():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conns.append(conn)

    threading.Thread(target=swallow, daemon=True).start()
    url = f"socket://127.0.0.1:{server.getsockname()[1]}"
    try:
        expect_error(make_launcher(tmp_path, url, firmware(1), connect_attempts=1),
                     f"no ESP bootloader answers on {url}", "download mode")
    finally:
        server.close()
        for conn in conns:
            conn.close()


def test_wrong_chip_on_the_port(tmp_path, firmware):
    mock = Mock(tmp_path, chip="esp32s3")
    try:
        expect_error(make_launcher(tmp_path, mock.url, firmware(1)), "is an ESP32-S3, not an ESP32",
                     "chip to 'esp32s3'")
    finally:
        mock.stop()


def test_importing_the_launchers_does_not_import_esptool():
    code = "import sys, harness.launchers; assert 'esptool' not in sys.modules, 'esptool imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_flash_offset_follows_the_chip_unless_given(tmp_path):
    assert make_launcher(tmp_path, "p")._offset("esp32") == 0x1000  # ESP32_GENERIC .bin files start there
    assert make_launcher(tmp_path, "p")._offset("esp32s3") == 0x0
    assert make_launcher(tmp_path, "p", flash_offset="0x10000")._offset("esp32") == 0x10000
