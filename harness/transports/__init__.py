"""Transports speak to a running target over a link: push a blob, run it.

``booter`` speaks bytecode-hil's loader protocol (any VM's booter);
``booter-mailbox`` is the same with blobs written into RAM through a memory
port. A transport that only one VM's stock firmware speaks lives with that
VM's profile (MicroPython's raw REPL: harness/vms/micropython/rawrepl.py;
PikaScript's shell: harness/vms/pikascript/shell.py); what those share is
in ``stock.py``.
"""

from . import booter, mailbox  # noqa: F401  (register)
