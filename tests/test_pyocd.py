"""The pyOCD launcher behind its narrow interface: a fake probe and serial
port stand in for pyOCD and the board, and one test asks the real pyOCD,
with no probe attached, what it sees."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from harness.device.device import Device
from harness.device.info import DeviceInfo
from harness.errors import ConfigError, InfrastructureError, LinkClosed
from harness.launchers import pyocd as launcher_mod
from harness.launchers.pyocd import FLASH_ACR, FLASH_ACR_EMPTY, ProbeError, PyOCDLauncher, build_id_of
from harness.targets import load_target
from harness.transports import booter as p

WANTED = "0123456789abcdef"
OLD = "fedcba9876543210"
PROBE = "066DFF495150717867173240"


class FakeBoard:
    """A G030 on a probe and a serial port: it announces INFO after each
    reset, and flashing an image makes it run the build named in the image."""

    def __init__(self, running=OLD):
        self.running = running            # build id the booter announces; None: blank chip
        self.probes = [(PROBE, "STLINK-V2")]
        self.types = {"stm32g030c8tx", "stm32g030k8tx", "stm32g030f6px"}
        self.idcode = 0x10006466
        self.acr = 0x00040600
        self.nrst_wired = True
        self.flash = b""
        self.corrupt_flash = False
        self.port_is_elsewhere = False   # the serial port is another board's
        self.connect_error = None
        self.events = []
        self.links = []
        self.closed = 0

    def boot(self):
        if self.running and self.links:
            payload = f"vm=micropython config=g030 heap=5120 build={self.running} board=stm32g030".encode()
            self.links[-1].incoming += b"\x00noise" + p.encode_frame(p.INFO, 0, payload)


@pytest.fixture
def board(monkeypatch):
    board = FakeBoard()

    class FakeProbe:
        def probes(self):
            return list(board.probes)

        def target_types(self, pack):
            board.events.append(("types", pack))
            return set(board.types)

        def connect(self, unique_id, options):
            board.events.append(("connect", unique_id, options))
            if board.connect_error:
                raise ProbeError(board.connect_error)

        def read32(self, address):
            return {0x40015800: board.idcode, FLASH_ACR: board.acr}[address]

        def write32(self, address, value):
            board.events.append(("write32", address, value))
            if address == FLASH_ACR:
                board.acr = value

        def program(self, image, address):
            board.events.append(("program", image.name, address))
            board.flash = image.read_bytes()
            if not board.port_is_elsewhere:
                board.running = board.flash.decode().split(":")[1]

        def read(self, address, size):
            return (b"X" if board.corrupt_flash else b"") + board.flash[:size]

        def reset(self, hardware):
            board.events.append(("reset", hardware))
            if board.nrst_wired or not hardware:
                board.boot()

        def close(self):
            board.closed += 1

    class FakeLink:
        def __init__(self, url, baudrate=115200):
            if url == "/dev/missing":
                raise LinkClosed(f"cannot open serial port {url}: no such file")
            self.url, self.baudrate = url, baudrate
            self.incoming = b""
            self.open = True
            board.links.append(self)

        def read(self, size, timeout):
            data, self.incoming = self.incoming[:size], self.incoming[size:]
            return data

        def write(self, data):
            pass

        def close(self):
            self.open = False

    monkeypatch.setattr(PyOCDLauncher, "backend", FakeProbe)
    monkeypatch.setattr(launcher_mod, "SerialLink", FakeLink)
    monkeypatch.setattr(launcher_mod, "READY_TIMEOUT", 0.05)  # a silent board costs nothing here
    return board


@pytest.fixture
def target():
    return dataclasses.replace(load_target("g030"), startup_timeout=0.05)


def firmware(tmp_path, build=WANTED):
    folder = tmp_path / "build" / f"stm32g030-g030-65536-8192-{build}"
    folder.mkdir(parents=True)
    (folder / "firmware.elf").write_bytes(b"\x7fELF")
    (folder / "firmware.bin").write_bytes(f"IMG:{build}".encode())
    return folder / "firmware.elf"


def make(target, tmp_path, **options):
    options = {"probe": PROBE, "port": "/dev/ttyUSB0", **options}
    return PyOCDLauncher(target, firmware(tmp_path), tmp_path / "logs", options)


def ready(link) -> DeviceInfo:
    """What the transport sees first on the link the launcher returned."""
    return p.BooterClient(link).wait_ready(0.05)


def test_flashes_when_the_board_runs_another_build(board, target, tmp_path):
    board.acr |= FLASH_ACR_EMPTY
    launcher = make(target, tmp_path)
    link = launcher.activate()
    assert launcher.flashed
    assert ("program", "firmware.bin", 0x08000000) in board.events
    assert ready(link).build_id == WANTED
    assert not board.acr & FLASH_ACR_EMPTY  # a first flash must not boot the ROM loader
    connect = next(e for e in board.events if e[0] == "connect")
    assert connect[1] == PROBE
    assert connect[2]["target_override"] == "stm32g030c8tx" and connect[2]["connect_mode"] == "under-reset"
    log = (tmp_path / "logs" / "g030-pyocd.log").read_text()
    assert f"build={OLD}" in log and f"build={WANTED}" in log
    launcher.deactivate()
    assert board.closed == 1 and not board.links[-1].open


def test_does_not_flash_when_the_board_runs_this_build(board, target, tmp_path):
    board.running = WANTED
    launcher = make(target, tmp_path)
    link = launcher.activate()
    assert not launcher.flashed
    assert not [e for e in board.events if e[0] == "program"]
    assert [e for e in board.events if e[0] == "reset"] == [("reset", False)]
    assert ready(link).build_id == WANTED


def test_a_blank_board_is_flashed(board, target, tmp_path):
    board.running = None
    launcher = make(target, tmp_path)
    assert ready(launcher.activate()).build_id == WANTED
    assert launcher.flashed


def test_the_build_id_comes_from_the_session_or_the_build_folder(tmp_path, target):
    assert build_id_of(firmware(tmp_path)) == WANTED
    assert build_id_of(tmp_path / "elsewhere" / "firmware.elf") is None
    given = PyOCDLauncher(target, tmp_path / "x.elf", tmp_path, {"build_id": "00000000000000aa"})
    assert given.build_id == "00000000000000aa"


def test_the_device_connects_through_the_launcher(board, target, tmp_path):
    device = Device(target, firmware(tmp_path), tmp_path / "logs",
                    {"probe": PROBE, "port": "/dev/ttyUSB0", "build_id": WANTED})
    info = device.activate()
    assert info.build_id == WANTED and info.get("board") == "stm32g030"
    device.deactivate()


def test_recover_resets_through_the_probe_on_a_fresh_port(board, target, tmp_path):
    launcher = make(target, tmp_path)
    launcher.activate()
    board.events.clear()
    first = board.links[-1]
    link = launcher.recover()
    assert board.events == [("reset", True)]
    assert not first.open and board.links[-1].open
    assert ready(link).build_id == WANTED


def test_recover_without_nrst_falls_back_to_a_system_reset(board, target, tmp_path):
    launcher = make(target, tmp_path)
    launcher.activate()
    board.nrst_wired = False
    board.events.clear()
    assert ready(launcher.recover()).build_id == WANTED
    assert board.events == [("reset", True), ("reset", False)]


def test_recover_of_a_dead_board_is_an_infrastructure_error(board, target, tmp_path):
    launcher = make(target, tmp_path)
    launcher.activate()
    board.running = None
    with pytest.raises(InfrastructureError, match="sent no INFO after a reset"):
        launcher.recover()


def test_without_a_probe_id_the_only_probe_attached_is_used(board, target, tmp_path):
    launcher = make(target, tmp_path, probe="")
    launcher.activate()
    assert launcher.unique_id == PROBE


def failure(board, target, tmp_path, **options) -> InfrastructureError:
    launcher = make(target, tmp_path, **options)
    with pytest.raises(InfrastructureError) as exc:
        launcher.activate()
    assert launcher.probe is None and launcher.link is None  # released on the way out
    return exc.value


def test_no_probe_attached(board, target, tmp_path):
    board.probes = []
    err = failure(board, target, tmp_path)
    assert err.message == "no debug probe attached: pyOCD sees none"
    assert "pyocd list" in err.hint


def test_the_wrong_probe(board, target, tmp_path):
    board.probes = [("0670FF3535", "STM32 STLink"), ("E6616407E3", "CMSIS-DAP")]
    err = failure(board, target, tmp_path)
    assert err.message == (f"probe {PROBE} is not attached; pyOCD sees: 0670FF3535 (STM32 STLink), "
                           "E6616407E3 (CMSIS-DAP)")
    assert "boards.toml" in err.hint


def test_several_probes_and_none_named(board, target, tmp_path):
    board.probes.append(("0670FF3535", "STM32 STLink"))
    err = failure(board, target, tmp_path, probe="")
    assert "2 debug probes attached" in err.message and PROBE in err.message


def test_the_pack_file_missing(board, target, tmp_path):
    err = failure(board, target, tmp_path, pack=str(tmp_path / "Keil.STM32G0xx_DFP.pack"))
    assert err.message == f"CMSIS pack {tmp_path / 'Keil.STM32G0xx_DFP.pack'} not found"
    assert "pyocd pack install stm32g030" in err.hint and "Keil.STM32G0xx_DFP" in err.hint


def test_no_pack_installed_or_given(board, target, tmp_path):
    board.types = {"cortex_m", "stm32f103rc"}
    err = failure(board, target, tmp_path)
    assert "does not know the target type stm32g030c8tx" in err.message
    assert "pyocd pack install stm32g030" in err.hint


def test_the_target_type_not_in_the_pack(board, target, tmp_path):
    pack = tmp_path / "Keil.STM32G0xx_DFP.1.4.0.pack"
    pack.write_bytes(b"PK")
    board.types = {"stm32g030f6px", "stm32g030k8tx", "stm32g071rbtx"}
    err = failure(board, target, tmp_path, pack=str(pack))
    assert err.message == f"the pack {pack} has no target type stm32g030c8tx; it has stm32g030f6px, stm32g030k8tx"
    assert ("types", str(pack)) in board.events


def test_a_different_mcu_on_the_probe(board, target, tmp_path):
    board.idcode = 0x20006460
    err = failure(board, target, tmp_path)
    assert err.message == (f"probe {PROBE} sees a different MCU: DEV_ID 0x460 (STM32G070/G071/G081, "
                           "IDCODE 0x20006460); the STM32G030's is 0x466")
    assert board.closed == 1


def test_swd_connection_failure(board, target, tmp_path):
    board.connect_error = "TransferError: No ACK received"
    err = failure(board, target, tmp_path)
    assert "could not connect to the MCU" in err.message and "No ACK" in err.message
    assert "SWDIO PA13" in err.hint


def test_flash_verify_failure(board, target, tmp_path):
    board.corrupt_flash = True
    err = failure(board, target, tmp_path)
    assert err.message == "flash verify failed: firmware.bin differs at 0x08000000"


def test_flashed_but_silent(board, target, tmp_path):
    board.boot = lambda: None  # TX and RX swapped: nothing reaches the port
    err = failure(board, target, tmp_path)
    assert err.message == ("flashed and verified firmware.bin, but the board sent no INFO on /dev/ttyUSB0 "
                           "within 0.05 s")
    assert "adapter RX to PA9" in err.hint


def test_flashed_but_another_build_answers(board, target, tmp_path):
    board.port_is_elsewhere = True
    err = failure(board, target, tmp_path)
    assert err.message == f"flashed build {WANTED}, but the board announces build={OLD}"


def test_serial_port_missing_or_unset(board, target, tmp_path):
    err = failure(board, target, tmp_path, port="/dev/missing")
    assert "cannot open serial port /dev/missing" in err.message and "dialout" in err.hint
    with pytest.raises(ConfigError, match="has no serial port"):
        make(target, tmp_path / "b", port="").activate()


def test_other_targets_import_no_pyocd():
    code = "import sys, harness.launchers, harness.registry; harness.registry.launchers.get('pyocd'); " \
           "assert 'pyocd' not in sys.modules, 'pyocd imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_real_pyocd_with_no_probe_says_so(target, tmp_path):
    """The real pyOCD, no probe attached: the launcher's first check answers."""
    real = launcher_mod.PyOCD()
    if real.probes():
        pytest.skip("a debug probe is attached to this machine")
    launcher = PyOCDLauncher(target, firmware(tmp_path), tmp_path / "logs", {"port": "loop://"})
    with pytest.raises(InfrastructureError) as exc:
        launcher.activate()
    assert str(exc.value).startswith("no debug probe attached: pyOCD sees none\n  -> plug in the ST-Link")
