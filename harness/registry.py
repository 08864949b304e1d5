"""Registries of the harness's pluggable pieces, found by name.

Launchers bring a target up and down (a host process, QEMU, a flashed
board); transports speak to what they brought up (the booter protocol, a raw
REPL); VM profiles know one Python VM; board sources say which physical
board a run gets (the local inventory, a labgrid place). Each piece registers
itself with a decorator, and target files name them. Pieces from outside the
project (a VM profile of your own) register when their module is imported:
name it in $HIL_PLUGINS, or give your package a ``bytecode_hil`` entry point.
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


PLUGINS_ENV = "HIL_PLUGINS"
ENTRY_POINT_GROUP = "bytecode_hil"
_plugins: set[str] = set()     # modules of $HIL_PLUGINS imported so far
_entry_points_loaded = False


def _load_builtin() -> None:
    """Register the built-in pieces (importing their packages does), then
    those of other packages: the modules named in $HIL_PLUGINS
    (comma-separated) and the ``bytecode_hil`` entry points."""
    global _entry_points_loaded
    import importlib
    import os

    from . import boardsources, launchers, transports, vms  # noqa: F401
    for name in (n.strip() for n in os.environ.get(PLUGINS_ENV, "").split(",")):
        if name and name not in _plugins:
            try:
                importlib.import_module(name)
            except ImportError as exc:
                raise ConfigError(f"${PLUGINS_ENV} names {name}, which does not import: {exc}",
                                  "put the module on PYTHONPATH, or fix the name") from None
            _plugins.add(name)
    if not _entry_points_loaded:
        from importlib.metadata import entry_points

        _entry_points_loaded = True
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            entry.load()
