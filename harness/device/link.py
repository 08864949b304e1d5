"""Byte links to devices: what every transport reads and writes (``Link``),
and the links launchers open: a child process's pipes, a socket, a serial port."""

from __future__ import annotations

import os
import select
import socket
import subprocess
from typing import Protocol

from ..errors import LinkClosed


class Link(Protocol):
    """A byte stream to a device: pipes, a socket, a serial port."""

    def write(self, data: bytes) -> None: ...

    def read(self, size: int, timeout: float) -> bytes:
        """Up to ``size`` bytes; b"" when nothing came within ``timeout``.
        Raises LinkClosed when the other end is gone."""

    def close(self) -> None: ...


class PipeLink:
    """stdin/stdout of a child process."""

    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.rfd = proc.stdout.fileno()
        os.set_blocking(self.rfd, False)

    def write(self, data: bytes) -> None:
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError, OSError) as exc:
            raise LinkClosed(f"the runner's input closed: {exc}") from None

    def read(self, size: int, timeout: float) -> bytes:
        ready, _, _ = select.select([self.rfd], [], [], max(0.0, timeout))
        if not ready:
            return b""
        try:
            data = os.read(self.rfd, size)
        except BlockingIOError:
            return b""
        if not data:
            raise LinkClosed("the runner's output closed")
        return data

    def close(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


class SocketLink:
    """A connected stream socket (QEMU's serial chardev, a remote board)."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        sock.setblocking(False)
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def write(self, data: bytes) -> None:
        try:
            self.sock.setblocking(True)
            self.sock.sendall(data)
        except OSError as exc:
            raise LinkClosed(f"the serial socket closed: {exc}") from None
        finally:
            self.sock.setblocking(False)

    def read(self, size: int, timeout: float) -> bytes:
        ready, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
        if not ready:
            return b""
        try:
            data = self.sock.recv(size)
        except BlockingIOError:
            return b""
        except OSError as exc:
            raise LinkClosed(f"the serial socket failed: {exc}") from None
        if not data:
            raise LinkClosed("the serial socket closed")
        return data

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


class SerialLink:
    """A serial port by pyserial URL: a device path, rfc2217://, socket://."""

    def __init__(self, url: str, baudrate: int = 115200, **options):
        import serial  # pyserial: imported here so host-only runs do not need it

        try:
            self.port = serial.serial_for_url(url, baudrate=baudrate, timeout=0, **options)
        except (serial.SerialException, ValueError) as exc:
            raise LinkClosed(f"cannot open serial port {url}: {exc}") from None
        self.url = url

    def write(self, data: bytes) -> None:
        import serial

        try:
            self.port.write(data)
            self.port.flush()
        except serial.SerialException as exc:
            raise LinkClosed(f"serial port {self.url} failed: {exc}") from None

    def read(self, size: int, timeout: float) -> bytes:
        import serial

        self.port.timeout = max(0.0, timeout)
        try:
            first = self.port.read(1)
            if not first:
                return b""
            waiting = self.port.in_waiting
            return first + (self.port.read(min(size - 1, waiting)) if waiting else b"")
        except serial.SerialException as exc:
            raise LinkClosed(f"serial port {self.url} failed: {exc}") from None

    def close(self) -> None:
        try:
            self.port.close()
        except Exception:  # closing a port that already failed
            pass
