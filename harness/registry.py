"""Registries of the harness's pluggable pieces, found by name.

Launchers bring a target up and down (a host process, QEMU, a flashed
board); transports speak to what they brought up (the booter protocol, a raw
REPL); VM profiles know one Python VM; board sources say which physical
board a run gets (the local inventory, a labgrid place). Each piece registers
itself with a decorator, and target files name them.
"""

from __future__ import annotations

from .errors import ConfigError


class Registry:
    def __init__(self, kind: str):
        self.kind = kind
        self._items: dict[str, type] = {}

    def register(self, name: str):
        def decorate(cls):
            self._items[name] = cls
            cls.registered_name = name
            return cls
        return decorate

    def get(self, name: str) -> type:
        _load_builtin()
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "none"
            raise ConfigError(f"unknown {self.kind} {name!r}", f"known {self.kind}s: {known}") from None

    def names(self) -> list[str]:
        _load_builtin()
        return sorted(self._items)


launchers = Registry("launcher")
transports = Registry("transport")
vm_profiles = Registry("VM profile")
board_sources = Registry("board source")


def _load_builtin() -> None:
    # Importing the packages registers their built-in pieces.
    from . import boardsources, launchers, transports, vms  # noqa: F401
