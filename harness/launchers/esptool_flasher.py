"""The esptool calls the esptool launcher makes (harness/launchers/esptool.py), and its log.

esptool is imported only inside ``EsptoolFlasher``, the one class that calls
it, so targets that do not use the launcher never import it. Every esptool
failure leaves as a ``FlasherError``.
"""

from __future__ import annotations

import errno
import struct
from pathlib import Path

from ..device.link import SerialLink
from ..errors import InfrastructureError, LinkClosed

ROM_BAUD = 115200                       # the ROM bootloader's baud rate; always works


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
