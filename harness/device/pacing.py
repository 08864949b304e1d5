"""A byte link paced as a UART at a given baud rate carries it: each byte,
either way, takes ten bit times (8N1). QEMU's serial port has no baud rate;
paced, an emulated board waits on its link as a real one behind a USB-serial
adapter does, so a run's figures (and what parallel boards save) can be
measured in CI (a target's ``link_baud``)."""

from __future__ import annotations

import time

BITS_PER_BYTE = 10  # start bit, 8 data bits, stop bit


class PacedLink:
    """Wraps a link (``write(data)``, ``read(size, timeout)``) so that its
    bytes arrive no faster than ``baud`` allows."""

    def __init__(self, link, baud: int):
        self.link = link
        self.byte_seconds = BITS_PER_BYTE / baud
        self._rx_ready = 0.0  # when the bytes received so far have all "arrived"

    def write(self, data: bytes) -> None:
        # The host's UART shifts the bytes out before the device has them.
        started = time.monotonic()
        self.link.write(data)
        _sleep_until(started + len(data) * self.byte_seconds)

    def read(self, size: int, timeout: float) -> bytes:
        data = self.link.read(size, timeout)
        if data:
            # The device's UART sends one byte per byte time, from when the
            # last one was done (or from now, after a quiet spell).
            self._rx_ready = max(self._rx_ready, time.monotonic()) + len(data) * self.byte_seconds
            _sleep_until(self._rx_ready)
        return data

    def __getattr__(self, name):
        return getattr(self.link, name)  # close(), and what else the launcher's link offers


def _sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        time.sleep(delay)
