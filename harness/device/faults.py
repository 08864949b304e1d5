"""Fault injection on a device's byte link: drop, duplicate, garble, stall,
or slip extra bytes in. Used by the harness's own tests to show that link
trouble ends as the right verdict and loses nothing; a wrapper around any
link, so it sits between the harness and a real board or emulator."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Fault:
    """Damage bytes ``start`` .. ``start + count`` of one direction's traffic,
    counted from when the fault is armed. ``count`` None: to the end."""

    start: int
    count: int | None = 1
    kind: str = "garble"  # garble, drop, duplicate, stall
    mask: int = 0x5A

    def covers(self, offset: int) -> bool:
        return offset >= self.start and (self.count is None or offset < self.start + self.count)

    def apply(self, data: bytes, offset: int) -> bytes:
        out = bytearray()
        for i, byte in enumerate(data):
            if not self.covers(offset + i):
                out.append(byte)
            elif self.kind == "garble":
                out.append(byte ^ self.mask)
            elif self.kind == "duplicate":
                out += bytes([byte, byte])
            # drop and stall: the byte is gone
        return bytes(out)


class FaultyLink:
    """A link that damages traffic as armed faults say."""

    def __init__(self, link):
        self.link = link
        self.sent = 0       # bytes the harness wrote
        self.received = 0   # bytes the device sent
        self.to_device: list[tuple[int, Fault]] = []
        self.from_device: list[tuple[int, Fault]] = []
        self.before_write: list[tuple[int, bytes]] = []  # (write number, bytes slipped in first)
        self.writes = 0

    def arm(self, fault: Fault, to_device: bool) -> None:
        if to_device:
            self.to_device.append((self.sent, fault))
        else:
            self.from_device.append((self.received, fault))

    def slip_in(self, data: bytes, before_write: int) -> None:
        """Send ``data`` to the device just before the harness's Nth write from now."""
        self.before_write.append((self.writes + before_write, data))

    @staticmethod
    def _damage(data: bytes, position: int, faults) -> bytes:
        out = data
        for base, fault in faults:
            out = fault.apply(out, position - base)
        return out

    def write(self, data: bytes) -> None:
        self.writes += 1
        for when, extra in [e for e in self.before_write if e[0] == self.writes]:
            self.link.write(extra)
        damaged = self._damage(data, self.sent, self.to_device)
        self.sent += len(data)
        if damaged:
            self.link.write(damaged)

    def read(self, size: int, timeout: float) -> bytes:
        data = self.link.read(size, timeout)
        damaged = self._damage(data, self.received, self.from_device)
        self.received += len(data)
        return damaged

    def close(self) -> None:
        self.link.close()
