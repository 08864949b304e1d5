"""Memory-access ports: read and write a running target's RAM from the host.

A port is what a debug probe gives (SWD's AHB access port on a Cortex-M) or
what stands in for one on an emulator (QEMU's gdbstub). The mailbox push
(harness/transports/mailbox.py) is their one user. A port has three calls:

    write(address, data)   store bytes; the target runs on afterwards
    read(address, size)    bytes, read while the target runs on
    close()

Writes land in the order they were made, so a caller that writes a message
and then its doorbell word knows the target never sees the doorbell first.
A launcher that can reach its target's RAM opens the port that fits it and
offers it as ``memory_port()`` (QEMU's: ``GdbRemotePort``; pyOCD's: ``PyOCDPort``).
"""

from __future__ import annotations

import contextlib
import re
import socket
import time

from ..errors import MemoryPortError


class GdbRemotePort:
    """GDB's remote serial protocol, as QEMU's gdbstub speaks it.

    Packets are ``$data#cc`` (cc: the sum of the data bytes mod 256, two hex
    digits), each acknowledged with ``+`` until no-ack mode is agreed. The
    stub pauses the guest when a debugger connects; ``c`` resumes it and has
    no answer until the guest stops again; a 0x03 byte stops it (the answer
    is a stop reply, ``T``/``S``...). ``m addr,len`` reads (hex bytes, or
    ``Enn``), ``M addr,len:hex`` writes (``OK`` or ``Enn``). QEMU's stub takes
    memory packets only while the guest is stopped, so each access pauses
    it: under -icount the guest's clock stands still meanwhile, and the pause
    is invisible to it. ``held()`` keeps it paused across several accesses.
    """

    # QEMU's packet buffer is 4 KiB; 1 KiB of data is 2 KiB of hex.
    chunk = 1024
    # QEMU's stub writes RAM and ROM only: a write to a peripheral register
    # (the NVIC's, to wake a sleeping core) is dropped without an error.
    writes_registers = False

    def __init__(self, address, timeout: float = 5.0):
        """``address``: a Unix socket path (str) or a (host, port) pair."""
        self.timeout = timeout
        family = socket.AF_UNIX if isinstance(address, str) else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        try:
            self.sock.connect(address)
        except OSError as exc:
            self.sock.close()
            raise MemoryPortError(f"cannot connect to the gdbstub at {address}: {exc}") from None
        self.buffer = bytearray()
        self.acks = True
        self.holds = 0
        # Connecting paused the guest, and QEMU says so with a stop reply
        # nobody asked for: answers are read past stop replies until the
        # two queries' own come, and the guest is then let run again.
        self.running = False
        self._query("qAttached")
        if self._query("QStartNoAckMode") == "OK":
            self.acks = False
        self._resume()

    # --- the port ------------------------------------------------------------
    def write(self, address: int, data: bytes) -> None:
        with self.held():
            for at in range(0, len(data), self.chunk):
                piece = data[at:at + self.chunk]
                answer = self._transact(f"M{address + at:x},{len(piece):x}:{piece.hex()}")
                if answer != "OK":
                    raise MemoryPortError(f"the gdbstub refused to write {len(piece)} bytes at "
                                          f"{address + at:#010x}: {answer or 'no answer'}")

    def read(self, address: int, size: int) -> bytes:
        out = bytearray()
        with self.held():
            while len(out) < size:
                n = min(self.chunk, size - len(out))
                answer = self._transact(f"m{address + len(out):x},{n:x}")
                if not re.fullmatch(r"([0-9a-fA-F]{2})+", answer) or len(answer) != 2 * n:
                    raise MemoryPortError(f"the gdbstub could not read {n} bytes at "
                                          f"{address + len(out):#010x}: {answer or 'no answer'}")
                out += bytes.fromhex(answer)
        return bytes(out)

    def close(self) -> None:
        if self.sock is not None:
            try:
                if not self.running:
                    self._resume()  # leave the guest running, as it was found
            except MemoryPortError:
                pass
            self.sock.close()
            self.sock = None

    def held(self) -> "_Hold":
        """A context in which the guest stays paused (accesses nest inside it)."""
        return _Hold(self)

    # --- run control ---------------------------------------------------------
    def _pause(self) -> None:
        self._send_raw(b"\x03")
        self._stop_reply(self._receive())
        self.running = False

    def _resume(self) -> None:
        self._send_packet("c")  # answered only when the guest stops
        self.running = True

    @staticmethod
    def _stop_reply(answer: str) -> None:
        if not answer or answer[0] not in "TS":
            raise MemoryPortError(f"the gdbstub did not report the guest stopped: {answer or 'no answer'}")

    # --- packets ---------------------------------------------------------------
    def _query(self, data: str) -> str:
        """The answer to a query, skipping stop replies that come before it."""
        self._send_packet(data)
        while True:
            answer = self._receive()
            if not answer or answer[0] not in "TS":
                return answer

    def _transact(self, data: str) -> str:
        self._send_packet(data)
        return self._receive()

    def _send_packet(self, data: str) -> None:
        body = data.encode("ascii")
        self._send_raw(b"$" + body + b"#" + f"{sum(body) & 0xFF:02x}".encode())
        if self.acks:
            ack = self._read_byte()
            if ack != b"+":
                # Some stubs answer without acknowledging first.
                self.buffer[:0] = ack

    def _receive(self) -> str:
        """The next packet's data (acknowledged when acks are on)."""
        while True:
            start = self._read_byte()
            if start == b"$":
                break
            # '+' (a late ack) or noise between packets: skip it.
        body = bytearray()
        while (byte := self._read_byte()) != b"#":
            body += byte
        checksum = self._read_byte() + self._read_byte()
        if int(checksum, 16) != sum(body) & 0xFF:
            raise MemoryPortError("a gdbstub packet failed its checksum")
        if self.acks:
            self._send_raw(b"+")
        return body.decode("ascii", "replace")

    def _send_raw(self, data: bytes) -> None:
        if self.sock is None:
            raise MemoryPortError("the gdbstub connection is closed")
        try:
            self.sock.sendall(data)
        except OSError as exc:
            raise MemoryPortError(f"the gdbstub connection failed: {exc}") from None

    def _read_byte(self) -> bytes:
        if not self.buffer:
            deadline = time.monotonic() + self.timeout
            while not self.buffer:
                try:
                    data = self.sock.recv(4096)
                except socket.timeout:
                    data = None
                except OSError as exc:
                    raise MemoryPortError(f"the gdbstub connection failed: {exc}") from None
                if data == b"":
                    raise MemoryPortError("the gdbstub closed the connection (QEMU exited?)")
                if data:
                    self.buffer += data
                elif time.monotonic() >= deadline:
                    raise MemoryPortError(f"the gdbstub did not answer within {self.timeout:g} s")
        byte = bytes(self.buffer[:1])
        del self.buffer[:1]
        return byte


class _Hold:
    def __init__(self, port: GdbRemotePort):
        self.port = port

    def __enter__(self):
        if self.port.holds == 0 and self.port.running:
            self.port._pause()
        self.port.holds += 1
        return self.port

    def __exit__(self, *exc):
        self.port.holds -= 1
        if self.port.holds == 0 and not self.port.running and self.port.sock is not None:
            self.port._resume()
        return False


class PyOCDPort:
    """SWD through pyOCD: the AHB access port reads and writes RAM while the
    core runs, so nothing is paused. ``probe`` is the pyOCD launcher's
    backend (harness/launchers/pyocd.py ``PyOCD``), already connected."""

    writes_registers = True  # the AHB access port reaches the NVIC as it reaches RAM

    def __init__(self, probe):
        self.probe = probe

    def write(self, address: int, data: bytes) -> None:
        self._call("write", address, bytes(data))

    def read(self, address: int, size: int) -> bytes:
        data = self._call("read", address, size)
        if len(data) != size:
            raise MemoryPortError(f"the probe read {len(data)} of {size} bytes at {address:#010x}")
        return data

    def held(self):
        return contextlib.nullcontext()  # nothing to pause

    def close(self) -> None:
        pass  # the launcher owns the probe's session

    def _call(self, name: str, *args):
        from ..launchers.pyocd import ProbeError

        try:
            return getattr(self.probe, name)(*args)
        except ProbeError as exc:
            raise MemoryPortError(f"SWD {name} at {args[0]:#010x} failed: {exc}",
                                  "check the SWD wiring and the board's power") from None
