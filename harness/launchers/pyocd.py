"""Launcher for boards on an SWD debug probe: pyOCD flashes and resets, a serial port carries the link.

Made for the STM32G030 (targets/g030, docs/boards.md). ``options`` is
the board's inventory entry over the target's ``launcher_options``:

    probe         the probe's unique ID (``pyocd list``); may be left out
                  when exactly one probe is attached
    port          the board's USART as a pyserial URL: /dev/ttyUSB0,
                  rfc2217://host:port, socket://host:port
    baud          115200
    pack          path of the Keil.STM32G0xx_DFP .pack file; without it,
                  the packs `pyocd pack install` put in pyOCD's cache
    frequency     SWD clock, Hz (4 MHz)
    pyocd_target  pyOCD target type (stm32g030c8tx: any 64 KiB G030)
    build_id      the build the board must run (the session passes it)

``activate()`` resets the board and reads its booter's ready INFO; it flashes
only when the board announces another build than the one wanted. The pyOCD
calls are ``PyOCD``'s (harness/launchers/pyocd_probe.py), which tests replace
with a fake.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from ..device.info import DeviceInfo
from ..device.link import SerialLink
from ..device.memports import PyOCDPort
from ..errors import ConfigError, DeviceTimeout, InfrastructureError, LinkClosed
from ..registry import launchers
from ..transports.booter import BooterClient
from .base import Launcher, Option, flash_if_needed
from .pyocd_probe import ProbeError, PyOCD

DEFAULT_TARGET = "stm32g030c8tx"  # any G030x8: the C8 and K8 share die, flash and algorithm
DEFAULT_FREQUENCY = 4_000_000
DEFAULT_BAUD = 115200
FLASH_BASE = 0x08000000
# RM0454: DBG_IDCODE holds the device ID in its low 12 bits; the G030 (and
# G031/G041, the same die) is 0x466.
DBG_IDCODE = 0x40015800
EXPECTED_DEV_ID = 0x466
DEV_IDS = {0x466: "STM32G030/G031/G041", 0x456: "STM32G050/G051/G061", 0x460: "STM32G070/G071/G081",
           0x467: "STM32G0B0/G0B1/G0C1"}
# RM0454: FLASH_ACR.EMPTY. Latched at power-on from the first flash word: a
# chip that was blank at power-on boots its ROM bootloader on every reset
# until the bit is cleared or the power cycles.
FLASH_ACR = 0x40022000
FLASH_ACR_EMPTY = 1 << 16
# The booter announces itself within milliseconds of a reset; a board that
# says nothing in this long runs something else, or nothing.
READY_TIMEOUT = 3.0

PACK_HINT = ("install the STM32G0 pack into pyOCD's cache: `pyocd pack install stm32g030` (needs the "
             "network), or download the Keil.STM32G0xx_DFP .pack from https://www.keil.arm.com/packs/ "
             "and give its path: pack = \"/path/Keil.STM32G0xx_DFP.x.y.z.pack\" in the board's entry "
             "in boards.toml, or --pack PATH")


class _Replay:
    """A link that keeps what it reads, so that bytes the launcher read (the
    ready INFO it checked) can be read again by the transport."""

    def __init__(self, link):
        self.link = link
        self.kept = bytearray()
        self.keeping = False
        self.replay = b""

    def forget(self) -> None:
        """Drop what was kept, and keep what is read from now on."""
        self.kept.clear()
        self.keeping = True
        self.replay = b""

    def rewind(self) -> None:
        """Read again what was kept; keep nothing more."""
        self.replay = bytes(self.kept)
        self.kept.clear()
        self.keeping = False

    def read(self, size: int, timeout: float) -> bytes:
        if self.replay:
            data, self.replay = self.replay[:size], self.replay[size:]
            return data
        data = self.link.read(size, timeout)
        if self.keeping:
            self.kept += data
        return data

    def write(self, data: bytes) -> None:
        self.link.write(data)

    def close(self) -> None:
        self.link.close()


def build_id_of(firmware: Path) -> str | None:
    """The build id in a harness build folder's name (BuildResult.build_id)."""
    suffix = firmware.parent.name.rsplit("-", 1)[-1]
    return suffix if re.fullmatch(r"[0-9a-f]{16}", suffix) else None


@launchers.register("pyocd")
class PyOCDLauncher(Launcher):
    loss_is_vm_crash = False  # a lost serial port is the bench's trouble, not the VM's
    backend = PyOCD           # tests put a fake here
    options = {
        "probe": Option(str, help="the debug probe's unique ID (pyocd list); may be left out with one probe"),
        "port": Option(str, help="the board's USART as a pyserial URL"),
        "baud": Option(int, DEFAULT_BAUD, "the USART's baud rate"),
        "pack": Option(str, help="the Keil.STM32G0xx_DFP .pack file", path=True),
        "frequency": Option(int, DEFAULT_FREQUENCY, "SWD clock, Hz"),
        "pyocd_target": Option(str, DEFAULT_TARGET, "pyOCD target type"),
        "connect_mode": Option(str, "under-reset", "pyOCD's connect mode"),
        "flash_offset": Option(int, FLASH_BASE, "where the image goes"),
        "build_id": Option(str, help="the build the board must run", internal=True),
        "memory_port": Option(bool, internal=True),
    }

    def __init__(self, target, firmware: Path, log_dir: Path, options: dict | None = None):
        super().__init__(target, Path(firmware), log_dir, options)
        self.log_path = self.log_dir / f"{target.name}-pyocd.log"
        self.build_id = self.options.get("build_id") or build_id_of(self.firmware)
        self.pyocd_target = str(self.options["pyocd_target"]).lower()
        self.probe = None
        self.link: _Replay | None = None
        self.unique_id = ""
        self.flashed = False  # whether activate() had to flash
        self.info: DeviceInfo | None = None

    # --- lifecycle ---------------------------------------------------------
    def activate(self) -> _Replay:
        try:
            self._connect_probe()
            self.link = self._open_link()
            self.info = self._boot(hardware=False, timeout=READY_TIMEOUT)
            started = time.monotonic()
            action = flash_if_needed(str(self.image()), self.build_id, self.info.build_id if self.info else None,
                                     self._flash_and_boot, self._say)
            if action == "written":
                self._say(f"flashed and verified in {time.monotonic() - started:.1f} s")
            self._say(f"ready: {self.info}")
            self.link.rewind()  # the transport reads the INFO we read
            return self.link
        except BaseException:
            self.deactivate()
            raise

    def _flash_and_boot(self) -> None:
        """Flash, verify, and read the INFO of the build flashed."""
        self._flash()
        self.flashed = True
        self.info = self._boot(hardware=False, timeout=self.target.startup_timeout)
        if self.info is None:
            raise InfrastructureError(
                f"flashed and verified {self.image().name}, but the board sent no INFO on "
                f"{self.options['port']} within {self.target.startup_timeout:g} s",
                "check the serial wiring (adapter RX to PA9, adapter TX to PA10, GND), that the port "
                "is this board's, and the baud (115200); if the chip was blank at power-on, "
                "cycle its power once")
        if self.build_id and self.info.build_id != self.build_id:
            raise InfrastructureError(
                f"flashed build {self.build_id}, but the board announces build={self.info.build_id}",
                "another board may be on this serial port: check port against probe in boards.toml")

    def recover(self) -> _Replay:
        """A hard reset through the probe (NRST), on a freshly opened port."""
        if self.probe is None:
            return self.activate()
        if self.link is not None:
            self.link.close()
        self.link = self._open_link()
        self.info = self._boot(hardware=True, timeout=READY_TIMEOUT)
        if self.info is None:
            # NRST may not be wired: a system reset through the debug port.
            self.info = self._boot(hardware=False, timeout=READY_TIMEOUT)
        if self.info is None:
            raise InfrastructureError(
                f"{self.target.name} sent no INFO after a reset through probe {self.unique_id}",
                f"check the serial wiring and the power; see {self.log_path}")
        self._say(f"recovered: {self.info}")
        self.link.rewind()
        return self.link

    def memory_port(self) -> PyOCDPort:
        """The board's RAM over SWD, through this launcher's probe session
        (the mailbox push, harness/transports/mailbox.py)."""
        if self.probe is None:
            raise InfrastructureError(f"{self.target.name}: no probe connected")
        return PyOCDPort(self.probe)

    def deactivate(self) -> None:
        if self.link is not None:
            self.link.close()
            self.link = None
        if self.probe is not None:
            self.probe.close()
            self.probe = None

    def describe_loss(self, via: str = "serial") -> str:
        if via == "debug probe":
            probe = self.options.get("probe") or "?"
            return (f"the debug probe {probe} of {self.target.name} stopped answering "
                    f"(unplugged, or the board lost power or was reset?)")
        port = self.options.get("port", "?")
        return (f"the serial link to {self.target.name} on {port} went away "
                f"(USB-serial adapter unplugged or reset?)")

    # --- steps ---------------------------------------------------------------
    def image(self) -> Path:
        """The raw image to flash at 0x08000000: the .bin the build writes beside the ELF."""
        return self.firmware if self.firmware.suffix == ".bin" else self.firmware.with_suffix(".bin")

    def _connect_probe(self) -> None:
        self.probe = self.backend()
        try:
            attached = self.probe.probes()
        except ImportError as exc:
            raise InfrastructureError(f"pyOCD is not installed: {exc}",
                                      "run `make setup`, or pip install pyocd in the virtualenv") from None
        except ProbeError as exc:
            raise InfrastructureError(f"pyOCD could not list the debug probes: {exc}",
                                      "check that libusb is installed and the probe's USB permissions") from None
        wanted = self.options.get("probe")
        listing = ", ".join(f"{uid} ({desc})" for uid, desc in attached)
        if not attached:
            raise InfrastructureError(
                "no debug probe attached: pyOCD sees none",
                "plug in the ST-Link (or CMSIS-DAP probe) wired to the board's SWD pins; `pyocd list` "
                "shows what pyOCD sees (on Linux, a probe it cannot open needs udev rules: see "
                "docs/boards.md)")
        if not wanted:
            if len(attached) > 1:
                raise InfrastructureError(
                    f"{len(attached)} debug probes attached and the board's entry names none: {listing}",
                    "add probe = \"UNIQUE-ID\" to the board's entry in boards.toml, or pass --probe")
            wanted = attached[0][0]
        elif wanted not in [uid for uid, _ in attached]:
            raise InfrastructureError(
                f"probe {wanted} is not attached; pyOCD sees: {listing}",
                "plug that probe in, or correct probe in the board's entry in boards.toml (or --probe)")
        self.unique_id = wanted
        self._check_target_type()
        options = {
            "target_override": self.pyocd_target,
            "connect_mode": self.options["connect_mode"],
            "frequency": self.options["frequency"],
            "hide_programming_progress": True,
            "no_config": True,  # no pyocd.yaml from the working directory
            "resume_on_disconnect": True,
        }
        if self.options.get("pack"):
            options["pack"] = self.options["pack"]
        self._log(f"connecting to probe {wanted} as {self.pyocd_target} ({options})")
        try:
            self.probe.connect(wanted, options)
        except ProbeError as exc:
            raise InfrastructureError(
                f"pyOCD could not connect to the MCU through probe {wanted}: {exc}",
                "check the SWD wiring (SWDIO PA13, SWCLK PA14, NRST, GND, 3V3) and that the board is "
                "powered; try a lower frequency (frequency = 1000000 in the board's entry)") from None
        self._check_mcu()

    def _check_target_type(self) -> None:
        pack = self.options.get("pack")
        if pack and not Path(pack).is_file():
            raise InfrastructureError(f"CMSIS pack {pack} not found", PACK_HINT)
        try:
            types = self.probe.target_types(pack)
        except ProbeError as exc:
            raise InfrastructureError(f"pyOCD cannot read the CMSIS pack {pack or '(its cache)'}: {exc}",
                                      PACK_HINT) from None
        if self.pyocd_target in types:
            return
        if not pack:
            raise InfrastructureError(
                f"pyOCD does not know the target type {self.pyocd_target}: no STM32G0 pack installed "
                "or given", PACK_HINT)
        family = sorted(t for t in types if t.startswith(self.pyocd_target[:9])) or sorted(types)[:12]
        raise InfrastructureError(
            f"the pack {pack} has no target type {self.pyocd_target}; it has {', '.join(family) or 'none'}",
            "set pyocd_target in the board's entry to your part (a 64 KiB G030: stm32g030c8tx or "
            "stm32g030k8tx), or give the Keil.STM32G0xx_DFP pack")

    def _check_mcu(self) -> None:
        try:
            idcode = self.probe.read32(DBG_IDCODE)
        except ProbeError as exc:
            raise InfrastructureError(
                f"cannot read the MCU's DBG_IDCODE at {DBG_IDCODE:#x}: {exc}",
                "the probe is wired to an MCU that is not an STM32G0; check which board the probe is on") from None
        dev_id = idcode & 0xFFF
        if dev_id != EXPECTED_DEV_ID:
            name = DEV_IDS.get(dev_id, "not an STM32G03x")
            raise InfrastructureError(
                f"probe {self.unique_id} sees a different MCU: DEV_ID {dev_id:#05x} ({name}, "
                f"IDCODE {idcode:#010x}); the STM32G030's is {EXPECTED_DEV_ID:#05x}",
                "the probe is on another board: check probe against port in boards.toml, or use a target "
                "built for that MCU")
        self._log(f"MCU: IDCODE {idcode:#010x} (DEV_ID {dev_id:#05x}, REV_ID {idcode >> 16:#06x})")

    def _open_link(self) -> _Replay:
        port = self.options.get("port")
        if not port:
            raise ConfigError(f"the {self.target.name} board's entry has no serial port",
                              "add port = \"/dev/ttyUSB0\" (or rfc2217://host:port) to it in boards.toml, "
                              "or pass --port")
        try:
            return _Replay(SerialLink(port, self.options["baud"]))
        except LinkClosed as exc:
            raise InfrastructureError(
                str(exc), "check port in the board's entry (ls /dev/serial/by-id/), that no other program "
                "holds it, and that you may open it (Debian: the dialout group)") from None

    def _drain(self) -> None:
        for _ in range(1000):
            if not self.link.read(4096, 0.0):
                break
        self.link.forget()

    def _boot(self, hardware: bool, timeout: float) -> DeviceInfo | None:
        """Reset the board and read its ready INFO; None if none came."""
        self._drain()
        try:
            self.probe.reset(hardware)
        except ProbeError as exc:
            raise InfrastructureError(f"resetting {self.target.name} through probe {self.unique_id} "
                                      f"failed: {exc}", "check the SWD wiring and the board's power") from None
        try:
            info = BooterClient(self.link).wait_ready(timeout)
        except DeviceTimeout:
            self._log(f"no INFO within {timeout:g} s of a {'hardware' if hardware else 'system'} reset")
            return None
        self._log(f"INFO: {info}")
        return info

    def _flash(self) -> None:
        image = self.image()
        if not image.is_file():
            raise InfrastructureError(f"no firmware image {image} to flash",
                                      "build the target again (python -m harness build --target g030)")
        data = image.read_bytes()
        address = self.options["flash_offset"]
        try:
            self.probe.program(image, address)
            written = self.probe.read(address, len(data))
            if written == data:
                # A chip blank at power-on boots its ROM bootloader at every
                # reset until the power cycles; clear the latched flag instead.
                acr = self.probe.read32(FLASH_ACR)
                if acr & FLASH_ACR_EMPTY:
                    self.probe.write32(FLASH_ACR, acr & ~FLASH_ACR_EMPTY)
                    self._log("cleared FLASH_ACR.EMPTY (the chip was blank at power-on)")
        except ProbeError as exc:
            raise InfrastructureError(f"flashing {image} failed: {exc}",
                                      "check the SWD wiring; a read-protected chip (RDP) must be "
                                      "unlocked first: pyocd erase --chip -t " + self.pyocd_target) from None
        if written != data:
            at = next((i for i, (a, b) in enumerate(zip(written, data)) if a != b), min(len(written), len(data)))
            raise InfrastructureError(f"flash verify failed: {image.name} differs at {address + at:#010x}",
                                      "the flash may be write-protected (option bytes); see the log "
                                      f"{self.log_path}")

    # --- messages --------------------------------------------------------------
    def _log(self, text: str) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "a") as log:
            log.write(f"{time.strftime('%H:%M:%S')} {text}\n")

    def _say(self, text: str) -> None:
        """Log, and tell the user (stderr; pytest shows it with -s)."""
        self._log(text)
        print(f"bytecode-hil: {self.target.name}: {text}", file=sys.stderr)
