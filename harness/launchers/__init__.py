"""Launchers bring a target up and down: a host process, QEMU, a flashed board.

Each is a ``Launcher`` (harness/launchers/base.py): it declares the options
a board's entry may give it, and has an explicit lifecycle (labgrid style).
Flashing launchers share ``flash_if_needed``.
"""

from . import (  # noqa: F401  (register)
    esptool,  # noqa: F401  (register; esptool itself is imported only when a board is flashed)
    process,
    pyocd,  # noqa: F401  (register)
    qemu,
)
