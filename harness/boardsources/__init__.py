"""Board sources: where the physical board a run uses comes from.

``inventory`` reads the local board inventory (boards.toml, $HIL_BOARD_*);
``labgrid`` acquires a place from a labgrid coordinator. A source hands the
session a ``Board`` (harness/inventory.py) whose options the launcher reads,
so launchers do not know where a board came from.

A source is a class registered with ``@board_sources.register("name")``::

    class MySource:
        def __init__(self, settings: dict): ...     # the run's options (inventory, board, lg_env, ...)
        def board(self, target: str, index: int, overrides: dict) -> Board: ...
        def release(self) -> None: ...              # give back what board() took; safe to call twice

``index`` is the pytest-xdist worker's number: worker N takes the Nth board
of the target. ``open_source`` picks the source a run's settings ask for.
"""

from __future__ import annotations

import os

from ..registry import board_sources
from . import inventory, labgrid  # noqa: F401  (register)


def source_name(settings: dict) -> str:
    """``labgrid`` when a labgrid environment is given, else ``inventory``."""
    return "labgrid" if settings.get("lg_env") else "inventory"


def open_source(settings: dict):
    return board_sources.get(source_name(settings))(settings)


def worker_index(environ=None) -> int:
    """This process's pytest-xdist worker number (gw3 -> 3); 0 outside xdist."""
    worker = (os.environ if environ is None else environ).get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker[2:]) if worker[2:].isdigit() else 0
