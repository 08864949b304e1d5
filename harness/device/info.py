"""What a device says of itself and of a run: the same for every VM and transport.

A booter announces ``DeviceInfo`` in its INFO frame; a transport without a
booter (a raw REPL) builds one from what it asks the firmware. Every run
ends in a ``RunRecord``, which the verdict reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DeviceInfo:
    """What a booter announces about itself (its INFO frame)."""

    fields: dict

    @classmethod
    def parse(cls, payload: bytes) -> "DeviceInfo":
        fields = {}
        for item in payload.decode("ascii", "replace").split():
            key, _, value = item.partition("=")
            fields[key] = value
        return cls(fields)

    def get(self, key: str, default: str = "") -> str:
        return self.fields.get(key, default)

    def number(self, key: str, default: int = 0) -> int:
        try:
            return int(self.fields.get(key, default))
        except ValueError:
            return default

    @property
    def features(self) -> frozenset:
        return frozenset(f for f in self.get("features").split(",") if f)

    @property
    def heap(self) -> int:
        return self.number("heap")

    @property
    def chunk(self) -> int:
        return self.number("chunk", 256)

    @property
    def clock_hz(self) -> int:
        return self.number("clock", 1)

    @property
    def build_id(self) -> str:
        return self.get("build")

    def __str__(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.fields.items())


@dataclass
class RunRecord:
    """The device's account of one run."""

    status: str                       # ok, exception, memory-error, fault, load-error
    output: bytes = b""
    trace: str = ""
    run_cycles: int = 0
    load_cycles: int = 0
    heap_used: int = 0
    heap_peak: int = 0
    stack_peak: int = 0
    fault_pc: int = 0
    clock_hz: int = 1
    wall_seconds: float = 0.0
    retries: int = 0                  # frames sent again during the transfer
    extra: dict = field(default_factory=dict)

    @property
    def run_seconds(self) -> float:
        return self.run_cycles / self.clock_hz if self.clock_hz else 0.0
