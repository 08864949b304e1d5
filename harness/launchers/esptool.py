"""Launcher for ESP32 boards running stock firmware (the user's), flashed with esptool.

``activate()`` talks to the board's ROM bootloader through esptool's Python
API (esptool 5): detect the chip, start the flasher stub, raise the baud rate
(921600, falling back to 460800, 230400, 115200 when the link cannot carry
it), compare the firmware file's MD5 with the flash's over the same region,
write and verify only when they differ, hard-reset into the firmware and
return the console as a ``SerialLink``. It does not wait for the firmware's
prompt: the transport (the target's; raw-repl for stock MicroPython) does
that in its ``connect``.

A bootloader conversation that breaks half way (the link drops, an answer
is lost) is started again from the top, up to ``attempts`` times (4): even
with one conversation in ten dropping (a poor USB link), four tries fail
together about once in 10,000 bring-ups, while a board that fails four times
in a row has a real problem that more retries would only hide behind minutes
of waiting. Only esptool's sync is retried inside a conversation (its own
``connect_attempts``); its write_flash's private reconnect is turned off, so
there is one retry policy, this one.
Problems that no retry can fix (no firmware, not an ESP image, a port that
will not open, no bootloader answering, another chip) stop at once with an
``InfrastructureError`` that says what to do.

esptool is imported only inside ``EsptoolFlasher``, the one class that calls
it, so targets that do not use this launcher never import it.
"""

from __future__ import annotations

import hashlib
import struct
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..device.link import SerialLink
from ..errors import InfrastructureError, LinkClosed
from ..registry import launchers
from .base import Launcher, Option, flash_if_needed
from .esptool_flasher import (  # noqa: F401
    ROM_BAUD,
    Dropped,
    EsptoolFlasher,
    EsptoolLog,
    FlasherError,
    NoBootloader,
    PortUnavailable,
    reset_board,
)

ESP_IMAGE_MAGIC = 0xE9
BAUD_LADDER = (921600, 460800, 230400, 115200)
IMAGE_HEADER = 24                       # 8-byte image header + 16-byte extended header


@dataclass
class FlashReport:
    """What the last bring-up did: for the log, the terminal and tests."""

    action: str = ""                 # "written" or "skipped"
    chip: str = ""                   # as esptool names it: "ESP32"
    baud: int = 0                    # the baud rate the conversation settled on
    attempts: int = 0                # bootloader conversations it took
    md5: str = ""                    # of the firmware file
    problems: list[str] = field(default_factory=list)  # what went wrong on the way
    seconds: float = 0.0


@launchers.register("esptool")
class EsptoolLauncher(Launcher):
    loss_is_vm_crash = False  # a lost serial link is the board's or the cable's trouble, not the VM's
    flasher_class = EsptoolFlasher
    options = {
        "port": Option(str, help="the board's serial port, a pyserial URL"),
        "baud": Option(int, 115200, "the firmware's console"),
        "flash_baud": Option(int, 921600, "first baud rate tried for flashing; lower ones follow on failure"),
        "chip": Option(str, "esp32", "esptool's chip name"),
        "attempts": Option(int, 4, "bootloader conversations before giving up"),
        "connect_attempts": Option(int, 7, "esptool's sync attempts in a conversation"),
        "retry_delay": Option(float, 0.5, "seconds between conversations"),
        "flash_offset": Option(int, help="where the image goes (default: the chip's bootloader offset)"),
        "firmware": Option(str, help="the firmware image (.bin) to flash", path=True),
    }

    def __init__(self, target, firmware: Path | None, log_dir: Path, options: dict | None = None):
        super().__init__(target, firmware, log_dir, options)
        given = self.options.get("firmware") or firmware
        self.firmware = Path(given).expanduser() if given else None
        self.log_path = self.log_dir / f"{target.name}-esptool.log"
        self.log = EsptoolLog(self.log_path)
        self.link: SerialLink | None = None
        self.report: FlashReport | None = None
        self.baud_ladder = self._ladder(self.options["flash_baud"])
        self.baud_index = 0          # the fastest rate not yet seen to fail; kept across activations
        self._image: tuple[Path, float, bytes] | None = None

    # -- the launcher interface -------------------------------------------

    def activate(self) -> SerialLink:
        self.report = self._bring_up()
        return self._open_console()

    def recover(self) -> SerialLink:
        self._close_link()
        link = self._open_console()
        try:
            if reset_board(link, self.log):
                self.log.line(f"recover: reset {self.target.name} through {link.url}")
        except LinkClosed:
            self._close_link()
            raise
        return link

    def deactivate(self) -> None:
        self._close_link()

    def describe_loss(self, via: str = "serial") -> str:
        port = self.options.get("port", "?")
        last = ""
        if self.report:
            last = (f"; at bring-up the firmware was {self.report.action} "
                    f"at {self.report.baud} baud")
        return (f"the serial link to {self.target.name} on {port} went away (board reset or "
                f"unplugged, USB hub or bridge trouble){last}; esptool log: {self.log_path}")

    # -- bring-up ------------------------------------------------------------

    @staticmethod
    def _ladder(flash_baud: int) -> list[int]:
        ladder = [flash_baud] + [b for b in BAUD_LADDER if b < flash_baud]
        if ROM_BAUD not in ladder:
            ladder.append(ROM_BAUD)
        return ladder

    def _port(self) -> str:
        port = self.options.get("port")
        if not port:
            raise InfrastructureError(f"no serial port for {self.target.name}",
                                      "set port in the board's inventory entry (boards.toml) or pass --port")
        return str(port)

    def _chip(self) -> tuple[str, str]:
        chip = str(self.options["chip"]).lower()
        try:
            return chip, self.flasher_class.chip_name(chip)
        except KeyError:
            raise InfrastructureError(f"esptool does not know the chip {chip!r}",
                                      "chip is one of: " + ", ".join(self.flasher_class.known_chips())) from None

    def firmware_image(self) -> bytes:
        """The firmware file's bytes, checked to be an ESP image for this chip."""
        if self.firmware is None:
            raise InfrastructureError(
                f"{self.target.name} runs firmware that you provide, and none was given",
                (f"get {self.target.firmware_hint}, and pass" if self.target.firmware_hint else "pass")
                + " --firmware=path/to/it (or set firmware in the board's inventory entry)")
        path = self.firmware
        try:
            stamp = path.stat().st_mtime
        except OSError:
            raise InfrastructureError(f"firmware {path} does not exist",
                                      "check the path given with --firmware or in the board's entry") from None
        if self._image and self._image[:2] == (path, stamp):
            return self._image[2]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InfrastructureError(f"cannot read firmware {path}: {exc.strerror}") from None
        chip, chip_name = self._chip()
        if len(data) < IMAGE_HEADER or data[0] != ESP_IMAGE_MAGIC:
            found = f"starts with {data[0]:#04x}" if data else "is empty"
            raise InfrastructureError(
                f"firmware {path} is not an ESP firmware image: it {found}, an ESP image starts with "
                f"{ESP_IMAGE_MAGIC:#04x}" + (f" and is at least {IMAGE_HEADER} bytes" if data else ""),
                f"use {self.target.firmware_hint or 'the firmware .bin image'} (not the .elf, .uf2 or a zip)")
        image_chip = struct.unpack_from("<H", data, 12)[0]
        wanted_id, _ = self.flasher_class.chip_facts(chip)
        if chip != "esp8266" and image_chip != wanted_id:
            raise InfrastructureError(
                f"firmware {path} is built for another chip (image chip id {image_chip}), "
                f"not for {chip_name} (chip id {wanted_id})",
                f"download the build for {chip_name}, or fix chip in the board's inventory entry")
        self._image = (path, stamp, data)
        return data

    def _offset(self, chip: str) -> int:
        if "flash_offset" in self.options:
            return self.options["flash_offset"]
        # ESP32 and ESP32-S2 images start with the bootloader at 0x1000; the
        # later chips' at 0x0. esptool knows which.
        return self.flasher_class.chip_facts(chip)[1]

    def _bring_up(self) -> FlashReport:
        started = time.monotonic()
        data = self.firmware_image()
        port = self._port()
        chip, chip_name = self._chip()
        offset = self._offset(chip)
        attempts = max(1, self.options["attempts"])
        report = FlashReport(chip=chip_name, md5=hashlib.md5(data).hexdigest())
        self.log.line(f"== {time.strftime('%Y-%m-%d %H:%M:%S')} bring-up of {self.target.name} on {port}: "
                      f"{self.firmware} ({len(data)} bytes, md5 {report.md5}) at {offset:#x}")
        while True:
            report.attempts += 1
            flasher = self.flasher_class(port, self.log, self.options["connect_attempts"])
            try:
                self._conversation(flasher, data, offset, chip_name, report)
                break
            except _BaudFailed as exc:
                # Not a drop: the chip is now at a rate the link cannot carry and
                # needs the reset a new conversation begins with.
                report.problems.append(str(exc))
                report.attempts -= 1
            except Dropped as exc:
                report.problems.append(str(exc))
                self.log.line(f"conversation {report.attempts} of {attempts} broke: {exc}")
                if report.attempts >= attempts:
                    raise InfrastructureError(
                        f"flashing {self.target.name} on {port} failed {attempts} times; last: {exc}",
                        f"check the cable and the USB hub, lower flash_baud; esptool log: {self.log_path}") from None
                time.sleep(self.options["retry_delay"])
            finally:
                flasher.close()
        report.seconds = time.monotonic() - started
        retried = f", {report.attempts} conversations" if report.attempts > 1 else ""
        if report.action == "written":
            self._say(f"{self.firmware.name} written and verified ({report.baud} baud, "
                      f"{report.seconds:.1f} s{retried})")
        else:
            self.log.line(f"bring-up took {report.seconds:.1f} s{retried}")
        return report

    def _conversation(self, flasher, data: bytes, offset: int, chip_name: str, report: FlashReport) -> None:
        port = self._port()
        try:
            flasher.open()
        except PortUnavailable as exc:
            raise InfrastructureError(
                f"cannot open the serial port {port} of {self.target.name}: {exc}",
                "check that the board is plugged in and the port right (ls /dev/ttyUSB* /dev/ttyACM*), that you "
                "may use it (group dialout), that no serial monitor holds it, and for socket:// or rfc2217:// "
                "that the bridge is listening") from None
        try:
            found = flasher.connect()
        except NoBootloader as exc:
            raise InfrastructureError(
                f"no ESP bootloader answers on {port}: {exc}",
                "is it the right port, and can the board enter download mode? Boards without auto-reset: hold "
                "BOOT (IO0), press and release EN, release BOOT, then run again. Over socket:// nothing can "
                f"reset the board: put it in download mode by hand. esptool log: {self.log_path}") from None
        if found != chip_name:
            raise InfrastructureError(
                f"the board on {port} is an {found}, not an {chip_name}",
                f"set chip to {found.lower().replace('-', '')!r} in the board's inventory entry and use "
                f"firmware built for it, or pick the right board")
        flasher.run_stub()
        report.baud = self._settle_baud(flasher)
        flash_size = flasher.attach_flash()
        if flash_size is not None and offset + len(data) > flash_size:
            raise InfrastructureError(
                f"firmware {self.firmware} ({len(data)} bytes at {offset:#x}) does not fit the board's "
                f"{flash_size // 1024} KiB of flash",
                "use a build for this board's flash size")
        on_board = flasher.flash_md5(offset, len(data))

        def write() -> None:
            flasher.write(offset, data)
            flasher.verify(offset, data)

        report.action = flash_if_needed(f"{self.firmware.name} ({len(data)} bytes)", f"md5 {report.md5}",
                                        f"md5 {on_board}", write, self._say,
                                        f"at {offset:#x} at {report.baud} baud on {port}")
        flasher.hard_reset()

    def _settle_baud(self, flasher) -> int:
        """Move from the ROM's 115200 to the fastest rate of the ladder not yet seen to fail.

        The ladder ends at 115200, where nothing changes, so this ends. A rate
        that fails costs one conversation (the chip has switched and only a
        reset brings it back), not one of the ``attempts``.
        """
        while True:
            baud = self.baud_ladder[self.baud_index]
            if baud == ROM_BAUD:
                return baud
            if not flasher.host_accepts(baud):
                self.baud_index += 1
                continue
            try:
                flasher.change_baud(baud)
                flasher.probe()
            except Dropped as exc:
                self.baud_index += 1
                self.log.line(f"{baud} baud failed ({exc}); next: {self.baud_ladder[self.baud_index]} baud")
                raise _BaudFailed(f"{baud} baud failed: {exc}") from None
            return baud

    # -- the console ---------------------------------------------------------

    def _open_console(self) -> SerialLink:
        port = self._port()
        try:
            self.link = SerialLink(port, self.options["baud"])
        except LinkClosed as exc:
            raise InfrastructureError(f"cannot open the console of {self.target.name}: {exc}",
                                      "check that nothing else (a serial monitor) holds the port") from None
        return self.link

    def _close_link(self) -> None:
        if self.link is not None:
            self.link.close()
            self.link = None

    def _say(self, text: str) -> None:
        line = f"bytecode-hil: {self.target.name}: {text}"
        self.log.line(line)
        print(line, file=sys.stderr, flush=True)


class _BaudFailed(Dropped):
    """The link could not carry a baud rate; the next conversation tries a lower one."""
