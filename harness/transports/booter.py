"""The booter transport: bytecode-hil's own loader protocol."""

from __future__ import annotations

from ..protocol import BooterClient, DeviceInfo, RunRecord
from ..registry import transports


@transports.register("booter")
class BooterTransport:
    def __init__(self, link, options: dict | None = None):
        self.client = BooterClient(link, **(options or {}))

    def connect(self, timeout: float) -> DeviceInfo:
        """Wait for the booter's ready announcement."""
        return self.client.wait_ready(timeout)

    def run(self, blob: bytes, timeout: float) -> RunRecord:
        return self.client.run(blob, timeout)

    @property
    def info(self) -> DeviceInfo | None:
        return self.client.info
