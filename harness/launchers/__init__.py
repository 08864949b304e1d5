"""Launchers bring a target up and down: a host process, QEMU, a flashed board.

A launcher has an explicit lifecycle (labgrid style): ``activate()`` starts
the target and returns a byte link, ``recover()`` restarts it after a hang or
crash and returns a new link, ``deactivate()`` stops it.
``describe_loss(via)`` says why a link went away (``via``: the serial link,
or the debug probe a mailbox push goes through), and ``loss_is_vm_crash``
tells whether such a loss is the VM's fault (a crashed host runner) or the
infrastructure's (QEMU gone).
"""

from . import (  # noqa: F401  (register)
    esptool,  # noqa: F401  (register; esptool itself is imported only when a board is flashed)
    process,
    pyocd,  # noqa: F401  (register)
    qemu,
)
