"""Launcher for emulated boards: one QEMU process, its serial port on a Unix socket.

We listen and QEMU connects to us as a client, so parallel sessions never
race for a TCP port. With ``icount`` set, the guest's timer advances with
executed instructions, so cycle counts repeat from run to run.

With the option ``memory_port`` (set by the Device for transports that push
through one), QEMU also opens its gdbstub on a second Unix socket, and
``memory_port()`` connects a GDB remote-protocol client to it: the stand-in
for a debug probe's RAM access.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from ..device.link import SocketLink
from ..device.memports import GdbRemotePort
from ..errors import InfrastructureError
from ..procs import die_with_parent, temp_dir
from ..registry import launchers
from .base import Launcher, Option
from .process import describe_exit


@launchers.register("qemu")
class QemuLauncher(Launcher):
    loss_is_vm_crash = False  # QEMU going away is an infrastructure failure
    options = {"build_id": Option(str, internal=True),
               "memory_port": Option(bool, internal=True)}   # open the gdbstub

    def __init__(self, target, firmware: Path, log_dir: Path, options: dict | None = None):
        super().__init__(target, firmware, log_dir, options)
        self.log_path = self.log_dir / f"{target.name}-qemu.log"
        self.proc: subprocess.Popen | None = None
        self.link: SocketLink | None = None
        self.tmpdir: tempfile.TemporaryDirectory | None = None
        self.port: GdbRemotePort | None = None

    @property
    def gdb_socket(self) -> Path | None:
        if self.tmpdir is None or not self.options.get("memory_port"):
            return None
        return Path(self.tmpdir.name) / "gdb.sock"

    def command(self, socket_path: str) -> list[str]:
        q = self.target.qemu
        binary = q.get("binary", "qemu-system-arm")
        if shutil.which(binary) is None:
            raise InfrastructureError(f"{binary} is not installed",
                                      "install it (Debian: apt-get install qemu-system-arm), or run `make setup`")
        cmd = [binary, "-M", q.get("machine", "microbit"), "-nographic", "-monitor", "none",
               "-nodefaults", "-no-user-config",
               "-chardev", f"socket,id=hil,path={socket_path}", "-serial", "chardev:hil",
               "-kernel", str(self.firmware)]
        for item in q.get("globals", []):
            cmd += ["-global", item]
        if "icount" in q:
            cmd += ["-icount", f"shift={q['icount']}"]
        if self.gdb_socket is not None:
            cmd += ["-gdb", f"unix:{self.gdb_socket},server=on,wait=off"]
        return cmd

    def activate(self) -> SocketLink:
        self.tmpdir = temp_dir("hil-qemu-")
        path = str(Path(self.tmpdir.name) / "serial.sock")
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(path)
        server.listen(1)
        server.settimeout(self.target.startup_timeout)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.command(path), stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True,
                                         preexec_fn=die_with_parent)
        try:
            conn, _ = server.accept()
        except socket.timeout:
            self.deactivate()
            raise InfrastructureError(f"QEMU did not connect its serial port within "
                                      f"{self.target.startup_timeout:g} s",
                                      f"see {self.log_path}") from None
        finally:
            server.close()
        self.link = SocketLink(conn)
        return self.link

    def memory_port(self) -> GdbRemotePort:
        """The guest's RAM through QEMU's gdbstub (connected on first use)."""
        if self.gdb_socket is None or self.proc is None:
            raise InfrastructureError(f"QEMU for {self.target.name} was started without its gdbstub",
                                      "the launcher opens it when the option memory_port is set")
        if self.port is None:
            # QEMU opens the gdbstub after the serial port we accepted.
            deadline = time.monotonic() + self.target.startup_timeout
            while not self.gdb_socket.exists() and time.monotonic() < deadline and self.proc.poll() is None:
                time.sleep(0.005)
            self.port = GdbRemotePort(str(self.gdb_socket))
        return self.port

    def deactivate(self) -> None:
        if self.port is not None:
            self.port.close()
            self.port = None
        if self.link:
            self.link.close()
            self.link = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            self.proc = None
        if self.tmpdir is not None:
            self.tmpdir.cleanup()
            self.tmpdir = None

    def recover(self) -> SocketLink:
        self.deactivate()
        time.sleep(0.01)
        return self.activate()

    def describe_loss(self, via: str = "serial") -> str:
        if self.proc is None:
            return "QEMU was not started"
        try:
            code = self.proc.wait(timeout=1.0)  # the link may notice before the kernel reaps
        except subprocess.TimeoutExpired:
            code = None
        return f"QEMU {describe_exit(code)} (log: {self.log_path})"
