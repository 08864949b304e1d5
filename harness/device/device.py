"""A live target: a launcher (what brings it up) and a transport (how to talk to it).

``Device.execute`` never lets one case take the run down: a hang is a
timeout and the target is restarted; a crash of a host runner is a VM crash;
only losing an emulator or board that cannot be brought back raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DeviceRejected, DeviceRestarted, DeviceTimeout, InfrastructureError, LinkClosed, LinkCorrupted
from ..registry import launchers, transports
from ..targets import Target
from .info import DeviceInfo, RunRecord
from .pacing import PacedLink


@dataclass
class Execution:
    """What happened when a blob was sent to a device."""

    kind: str                       # completed, timeout, crashed, rejected
    record: RunRecord | None = None
    detail: str = ""
    partial_output: bytes = b""
    rejection: str = ""             # protocol error name when rejected
    link_events: list = field(default_factory=list)  # link trouble survived on the way


class Device:
    # A run whose answer was damaged on the link is run once more: every LOAD
    # starts a fresh VM, so the second run is the same experiment.
    link_retries = 1

    def __init__(self, target: Target, firmware: Path, log_dir: Path, launcher_options: dict | None = None,
                 link_wrapper=None, transport_options: dict | None = None):
        self.target = target
        self.transport_class = transports.get(target.transport)
        launcher_class = launchers.get(target.launcher)
        if getattr(self.transport_class, "uses_memory_port", False) and "memory_port" in launcher_class.options:
            # The launcher must know before it starts the target (QEMU opens its gdbstub).
            launcher_options = {**(launcher_options or {}), "memory_port": True}
        self.launcher = launcher_class(target, firmware, log_dir, launcher_options)
        self.link_wrapper = link_wrapper  # tests put a fault-injecting link here
        self.transport_options = transport_options or {}
        self.transport = None
        self.info: DeviceInfo | None = None
        self.restarts = 0

    def activate(self) -> DeviceInfo:
        link = self.launcher.activate()
        return self._connect(link)

    def deactivate(self) -> None:
        self.launcher.deactivate()
        self.transport = None

    def _connect(self, link) -> DeviceInfo:
        if self.target.link_baud:
            link = PacedLink(link, self.target.link_baud)
        if self.link_wrapper is not None:
            link = self.link_wrapper(link)
        options = dict(self.transport_options)
        if getattr(self.transport_class, "uses_memory_port", False):
            options["memory_port"], options["memory_port_note"] = self._memory_port()
        self.transport = self.transport_class(link, options)
        try:
            self.info = self.transport.connect(self.target.startup_timeout)
        except (DeviceTimeout, LinkClosed) as exc:
            reason = self.launcher.describe_loss(getattr(exc, "via", "serial"))
            self.launcher.deactivate()
            raise InfrastructureError(f"{self.target.name} did not come up: {exc}; {reason}") from None
        return self.info

    def _memory_port(self):
        """The launcher's memory port, or None and why there is none."""
        if not hasattr(self.launcher, "memory_port"):
            return None, f"the {self.target.launcher} launcher has no memory access port"
        try:
            return self.launcher.memory_port(), ""
        except InfrastructureError as exc:
            return None, exc.message

    def restart(self) -> DeviceInfo:
        self.restarts += 1
        return self._connect(self.launcher.recover())

    def _after_fault(self) -> None:
        # A board resets itself after a fault and announces itself again; a
        # host runner exits. Wait briefly for the former, restart otherwise.
        try:
            self.info = self.transport.connect(2.0)
        except (DeviceTimeout, LinkClosed):
            self.restart()

    def _lost(self, exc: LinkClosed) -> Execution:
        reason = self.launcher.describe_loss(exc.via)
        if not self.launcher.loss_is_vm_crash:
            # The emulator or board went away: bring it back for the next
            # case, and report this one as an infrastructure failure.
            try:
                self.restart()
            except InfrastructureError:
                self.transport = None
            raise InfrastructureError(f"lost {self.target.name} during the case: {exc}; {reason}") from None
        self.restart()
        return Execution("crashed", detail=f"{reason} ({exc})")

    def execute(self, blob: bytes, timeout: float) -> Execution:
        if self.transport is None:
            self.activate()
        link_events: list[str] = []
        for attempt in range(self.link_retries + 1):
            last = attempt == self.link_retries
            try:
                record = self.transport.run(blob, timeout)
            except DeviceTimeout as exc:
                self.restart()
                if exc.noise and not last:
                    link_events.append(f"no status, and {exc.noise} bytes failed their CRC: ran again")
                    continue
                detail = str(exc) + (f" ({exc.noise} bytes from the device failed their CRC)" if exc.noise else "")
                return Execution("timeout", detail=detail, partial_output=exc.output, link_events=link_events)
            except (LinkCorrupted, DeviceRestarted) as exc:
                if isinstance(exc, DeviceRestarted) and self.launcher.loss_is_vm_crash:
                    # A host runner restarts itself only when the VM gave up
                    # (nlr_jump_fail): that is the VM crashing, not the link.
                    self.restart()
                    return Execution("crashed", detail=f"the VM restarted its runner ({exc})",
                                     link_events=link_events)
                link_events.append(f"{exc}: ran again")
                if isinstance(exc, DeviceRestarted):
                    self.info = exc.info
                if last:
                    raise InfrastructureError(f"{self.target.name}: the link failed the case twice: "
                                              + "; ".join(link_events)) from None
                continue
            except LinkClosed as exc:
                return self._lost(exc)
            except DeviceRejected as exc:
                return Execution("rejected", detail=str(exc), rejection=exc.name, link_events=link_events)
            if record.status == "fault":
                self._after_fault()
                lines = [line for line in record.trace.splitlines() if line.strip()]
                # A VM that stopped itself (a panic, a failed assertion) says
                # so in its trace, and has no faulting PC; a CPU fault has one.
                detail = (f"the VM stopped itself: {lines[-1].strip()}" if lines and not record.fault_pc
                          else f"CPU fault at PC {record.fault_pc:#010x}")
                return Execution("crashed", record=record, detail=detail, link_events=link_events)
            return Execution("completed", record=record, link_events=link_events)
        raise AssertionError("unreachable")
