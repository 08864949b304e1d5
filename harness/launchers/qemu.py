"""Launcher for emulated boards: one QEMU process, its serial port on a Unix socket.

We listen and QEMU connects to us as a client, so parallel sessions never
race for a TCP port. With ``icount`` set, the guest's timer advances with
executed instructions, so cycle counts repeat from run to run.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from ..errors import InfrastructureError
from ..links import SocketLink
from ..procs import die_with_parent, temp_dir
from ..registry import launchers
from .process import describe_exit


@launchers.register("qemu")
class QemuLauncher:
    loss_is_vm_crash = False  # QEMU going away is an infrastructure failure

    def __init__(self, target, firmware: Path, log_dir: Path, options: dict | None = None):
        self.target = target
        self.firmware = firmware
        self.log_path = log_dir / f"{target.name}-qemu.log"
        self.options = options or {}
        self.proc: subprocess.Popen | None = None
        self.link: SocketLink | None = None
        self.tmpdir: tempfile.TemporaryDirectory | None = None

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

    def deactivate(self) -> None:
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

    def describe_loss(self) -> str:
        if self.proc is None:
            return "QEMU was not started"
        try:
            code = self.proc.wait(timeout=1.0)  # the link may notice before the kernel reaps
        except subprocess.TimeoutExpired:
            code = None
        return f"QEMU {describe_exit(code)} (log: {self.log_path})"
