"""Launcher for ESP32 boards running stock MicroPython, flashed with esptool.

``activate()`` talks to the board's ROM bootloader through esptool's Python
API (esptool 5): detect the chip, start the flasher stub, raise the baud rate
(921600, falling back to 460800, 230400, 115200 when the link cannot carry
it), compare the firmware file's MD5 with the flash's over the same region,
write and verify only when they differ, hard-reset into the firmware and
return the console as a ``SerialLink``. It does not wait for MicroPython's
REPL: the transport (raw-repl) does that in its ``connect``.

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

import errno
import hashlib
import struct
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..device.link import SerialLink
from ..errors import InfrastructureError, LinkClosed
from ..registry import launchers

ESP_IMAGE_MAGIC = 0xE9
ROM_BAUD = 115200                       # the ROM bootloader's baud rate; always works
BAUD_LADDER = (921600, 460800, 230400, 115200)
DEFAULTS = {"baud": 115200, "flash_baud": 921600, "chip": "esp32", "attempts": 4,
            "connect_attempts": 7, "retry_delay": 0.5}
IMAGE_HEADER = 24                       # 8-byte image header + 16-byte extended header


class FlasherError(Exception):
    """A step of the bootloader conversation failed (internal; see the subclasses)."""


class PortUnavailable(FlasherError):
    """The serial port could not be opened at all."""


class NoBootloader(FlasherError):
    """The port opened, but no ROM bootloader answered esptool's sync."""


class Dropped(FlasherError):
    """The conversation broke after it had started: worth starting again."""


class EsptoolFlasher:
    """The esptool calls, one bootloader conversation per instance.

    Every esptool failure leaves as a ``FlasherError``: ``PortUnavailable``
    and ``NoBootloader`` cannot be cured by retrying, ``Dropped`` can. Tests
    replace this class with a fake of the same shape.
    """

    def __init__(self, port: str, log, connect_attempts: int = 7):
        self.url = port
        self.log = log                 # EsptoolLog: where esptool's own output goes
        self.connect_attempts = connect_attempts
        self.serial = None
        self.esp = None

    @staticmethod
    def chip_name(chip: str) -> str:
        """esptool's name for a chip option ("esp32" -> "ESP32"); KeyError if unknown."""
        from esptool.targets import CHIP_DEFS

        return CHIP_DEFS[chip].CHIP_NAME

    @staticmethod
    def chip_facts(chip: str) -> tuple[int, int]:
        """(image chip id, bootloader flash offset) of a chip option."""
        from esptool.targets import CHIP_DEFS

        rom = CHIP_DEFS[chip]
        return rom.IMAGE_CHIP_ID, rom.BOOTLOADER_FLASH_OFFSET

    @staticmethod
    def known_chips() -> list[str]:
        from esptool.targets import CHIP_DEFS

        return sorted(CHIP_DEFS)

    def _call(self, what: str, fn, *args, **kwargs):
        import serial
        from esptool.util import FatalError

        with self.log.installed():
            try:
                return fn(*args, **kwargs)
            except (FatalError, serial.SerialException, OSError, struct.error) as exc:
                raise Dropped(f"{what}: {_one_line(exc)}") from exc

    def open(self) -> None:
        import esptool
        import serial

        major = int(esptool.__version__.split(".")[0])
        if major < 5:
            raise InfrastructureError(f"esptool {esptool.__version__} is too old: this launcher uses esptool 5's "
                                      "Python API", "pip install 'esptool>=5' (or run make setup)")

        try:
            port = serial.serial_for_url(self.url, do_not_open=True, exclusive=True)
            port.baudrate = ROM_BAUD
            port.open()
        except (serial.SerialException, OSError, ValueError) as exc:
            raise PortUnavailable(_one_line(exc)) from exc
        self.serial = port

    def connect(self) -> str:
        """Reset into the ROM bootloader, sync, detect the chip; its esptool name."""
        import serial
        from esptool.cmds import detect_chip
        from esptool.util import FatalError

        with self.log.installed():
            try:
                self.esp = detect_chip(self.serial, ROM_BAUD, "default-reset",
                                       connect_attempts=self.connect_attempts)
            except FatalError as exc:
                # esptool says "Failed to connect to ..." when its sync found no
                # bootloader after every reset and retry; anything else broke
                # a conversation that had started.
                if str(exc).startswith("Failed to connect"):
                    raise NoBootloader(_one_line(exc)) from exc
                raise Dropped(f"chip detection: {_one_line(exc)}") from exc
            except (serial.SerialException, OSError) as exc:
                raise Dropped(f"chip detection: {_one_line(exc)}") from exc
        return self.esp.CHIP_NAME

    def run_stub(self) -> None:
        from esptool.cmds import run_stub

        self.esp = self._call("starting the flasher stub", run_stub, self.esp)
        # esptool's write_flash reconnects on its own after a lost link and
        # leaves this object confused about the stub; one retry policy, ours.
        self.esp.WRITE_FLASH_ATTEMPTS = 1

    def host_accepts(self, baud: int) -> bool:
        """Whether this computer's serial driver takes ``baud`` (the board is not asked)."""
        port = self.serial
        old = port.baudrate
        try:
            port.baudrate = baud
            port.baudrate = old
        except (OSError, ValueError) as exc:
            self.log.line(f"the serial driver refuses {baud} baud: {exc}")
            return False
        return True

    def change_baud(self, baud: int) -> None:
        self._call(f"changing to {baud} baud", self.esp.change_baud, baud)

    def probe(self) -> None:
        """One short command, to see that answers come through at the current baud."""
        from esptool.loader import ESPLoader

        self._call("checking the link", self.esp.read_reg, ESPLoader.CHIP_DETECT_MAGIC_REG_ADDR, timeout=1.0)

    def attach_flash(self) -> int | None:
        """Attach the SPI flash and configure its size; the size in bytes (None if unknown)."""
        from esptool.cmds import attach_flash, detect_flash_size
        from esptool.util import flash_size_bytes

        self._call("attaching the flash", attach_flash, self.esp)
        size = self._call("reading the flash size", detect_flash_size, self.esp)
        if size:
            self._call("setting the flash size", self.esp.flash_set_parameters, flash_size_bytes(size))
        return flash_size_bytes(size) if size else None

    def flash_md5(self, offset: int, size: int) -> str:
        return self._call("reading the flash's MD5", self.esp.flash_md5sum, offset, size)

    def write(self, offset: int, data: bytes) -> None:
        from esptool.cmds import write_flash

        self._call("writing the flash", write_flash, self.esp, [(offset, data)], compress=True)

    def verify(self, offset: int, data: bytes) -> None:
        from esptool.cmds import verify_flash

        self._call("verifying the flash", verify_flash, self.esp, [(offset, data)])

    def hard_reset(self) -> None:
        from esptool.cmds import reset_chip

        self._call("resetting the board", reset_chip, self.esp, "hard-reset")

    def close(self) -> None:
        port, self.esp, self.serial = self.serial, None, None
        if port is not None:
            try:
                port.close()
            except Exception:  # closing a port that already failed
                pass


def reset_board(link: SerialLink, log: "EsptoolLog") -> bool:
    """Restart the firmware through the usual ESP32 auto-reset circuit.

    DTR drives IO0 and RTS drives EN through two crossed transistors: with
    DTR deasserted (IO0 high), asserting RTS holds EN low, and releasing it
    boots the firmware, not the bootloader. A port without modem lines (a
    raw TCP bridge, a PTY) cannot reset anything: False, and logged.
    """
    from esptool.reset import HardReset

    if link.url.startswith("socket://"):
        log.line(f"recover: {link.url} carries no modem lines: the board was not reset")
        return False
    with log.installed():
        try:
            link.port.dtr = False
            HardReset(link.port)()
        except OSError as exc:
            if exc.errno in (errno.ENOTTY, errno.EINVAL):
                log.line(f"recover: {link.url} has no modem lines: the board was not reset")
                return False
            raise LinkClosed(f"could not reset through {link.url}: {exc}") from None
    return True


class EsptoolLog:
    """esptool's output, into the launcher's log file instead of the terminal."""

    def __init__(self, path: Path):
        self.path = path
        self._partial = ""

    def line(self, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(text + "\n")

    def write(self, text: str) -> None:
        text = self._partial + text
        lines = text.split("\n")
        self._partial = lines.pop()
        for line in lines:
            self.line(line)

    def installed(self):
        return _InstalledLogger(self)


class _InstalledLogger:
    """Context manager: esptool logs to an ``EsptoolLog`` while inside, as before after.

    esptool 5 logs through esp-pylib's singleton ``EspLog.instance``; we put a
    logger of ours there and the previous one back. Without esp-pylib (older
    esptool 5 releases) esptool's output is left where it goes.
    """

    def __init__(self, sink: EsptoolLog):
        self.sink = sink
        self.holder = None
        self.previous = None

    def __enter__(self):
        try:
            from esp_pylib.logger import EspLog, EspLogBase
        except ImportError:
            return self
        sink = self.sink

        class ToFile(EspLogBase):
            def print(self, *args, **kwargs):
                sink.write(" ".join(str(a) for a in args) + kwargs.get("end", "\n"))

            def err(self, *args, suggestion=None):
                sink.write("ERROR: " + " ".join(str(a) for a in args) + "\n")

            def warn(self, *args, suggestion=None):
                sink.write("WARNING: " + " ".join(str(a) for a in args) + "\n")

            error, warning = err, warn  # the older names esptool still calls

            def note(self, *args):
                sink.write("NOTE: " + " ".join(str(a) for a in args) + "\n")

            def hint(self, *args):
                sink.write("HINT: " + " ".join(str(a) for a in args) + "\n")

            def debug(self, *args):
                pass

            def set_verbosity(self, mode):
                pass

            def progress_bar(self, cur_iter, total_iters, prefix="", suffix="", bar_length=30):
                if cur_iter >= total_iters:
                    sink.write(f"{prefix} {suffix}\n")

        self.holder, self.previous = EspLog, EspLog.instance
        EspLog.instance = ToFile()
        return self

    def __exit__(self, *exc):
        if self.holder is not None:
            self.holder.instance = self.previous
        if self.sink._partial:
            self.sink.write("\n")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text.split(" For troubleshooting steps visit:")[0] or type(exc).__name__


def _int(value, name: str) -> int:
    if isinstance(value, int):
        return value
    try:
        return int(str(value), 0)
    except ValueError:
        raise InfrastructureError(f"the board's {name} must be a number, not {value!r}") from None


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
class EsptoolLauncher:
    loss_is_vm_crash = False  # a lost serial link is the board's or the cable's trouble, not the VM's
    flasher_class = EsptoolFlasher

    def __init__(self, target, firmware: Path | None, log_dir: Path, options: dict | None = None):
        self.target = target
        self.options = {**DEFAULTS, **(options or {})}
        given = self.options.get("firmware") or firmware
        self.firmware = Path(given).expanduser() if given else None
        self.log_path = log_dir / f"{target.name}-esptool.log"
        self.log = EsptoolLog(self.log_path)
        self.link: SerialLink | None = None
        self.report: FlashReport | None = None
        self.baud_ladder = self._ladder(_int(self.options["flash_baud"], "flash_baud"))
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
                f"{self.target.name} runs stock MicroPython firmware that you provide, and none was given",
                "download ESP32_GENERIC-20240602-v1.23.0.bin from micropython.org/download/ESP32_GENERIC "
                "and pass --firmware=path/to/it (or set firmware in the board's inventory entry)")
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
                "use the .bin from micropython.org/download/ESP32_GENERIC (not the .elf, .uf2 or a zip)")
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
            return _int(self.options["flash_offset"], "flash_offset")
        # MicroPython's ESP32 and ESP32-S2 images start with the bootloader at
        # 0x1000; the later chips' at 0x0. esptool knows which.
        return self.flasher_class.chip_facts(chip)[1]

    def _bring_up(self) -> FlashReport:
        started = time.monotonic()
        data = self.firmware_image()
        port = self._port()
        chip, chip_name = self._chip()
        offset = self._offset(chip)
        attempts = max(1, _int(self.options["attempts"], "attempts"))
        report = FlashReport(chip=chip_name, md5=hashlib.md5(data).hexdigest())
        self.log.line(f"== {time.strftime('%Y-%m-%d %H:%M:%S')} bring-up of {self.target.name} on {port}: "
                      f"{self.firmware} ({len(data)} bytes, md5 {report.md5}) at {offset:#x}")
        while True:
            report.attempts += 1
            flasher = self.flasher_class(port, self.log, _int(self.options["connect_attempts"], "connect_attempts"))
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
                time.sleep(float(self.options["retry_delay"]))
            finally:
                flasher.close()
        report.seconds = time.monotonic() - started
        retried = f", {report.attempts} conversations" if report.attempts > 1 else ""
        if report.action == "written":
            self._say(f"{self.firmware.name} written and verified ({report.baud} baud, "
                      f"{report.seconds:.1f} s{retried})")
        else:
            self._say(f"{self.firmware.name} already on the board (md5 {report.md5}), not flashed "
                      f"({report.seconds:.1f} s{retried})")
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
        if on_board == report.md5:
            report.action = "skipped"
            self.log.line(f"the flash already holds this firmware (md5 {on_board}): not writing")
        else:
            self._say(f"flashing {self.firmware.name} ({len(data)} bytes) at {offset:#x} "
                      f"at {report.baud} baud on {port} ...")
            flasher.write(offset, data)
            flasher.verify(offset, data)
            report.action = "written"
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
            self.link = SerialLink(port, _int(self.options["baud"], "baud"))
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
