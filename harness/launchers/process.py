"""Launcher for host runners: the runner is a child process on our pipes."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from ..device.link import PipeLink
from ..procs import die_with_parent
from ..registry import launchers
from .base import Launcher, Option


def describe_exit(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


@launchers.register("process")
class ProcessLauncher(Launcher):
    loss_is_vm_crash = True  # the runner is the VM: if it dies, the VM crashed
    options = {"build_id": Option(str, internal=True)}

    def __init__(self, target, firmware: Path, log_dir: Path, options: dict | None = None):
        super().__init__(target, firmware, log_dir, options)
        self.log_path = self.log_dir / f"{target.name}-runner.log"
        self.proc: subprocess.Popen | None = None
        self.link: PipeLink | None = None

    def activate(self) -> PipeLink:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([str(self.firmware)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=log, bufsize=0, start_new_session=True,
                                         preexec_fn=die_with_parent)
        self.link = PipeLink(self.proc)
        return self.link

    def deactivate(self) -> None:
        if self.proc is None:
            return
        if self.link:
            self.link.close()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc = None
        self.link = None

    def recover(self) -> PipeLink:
        self.deactivate()
        return self.activate()

    def describe_loss(self, via: str = "serial") -> str:
        if self.proc is None:
            return "the runner was not started"
        try:
            code = self.proc.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            code = None
        return f"the host runner {describe_exit(code)}"
