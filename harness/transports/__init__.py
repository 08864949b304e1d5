"""Transports speak to a running target over a link: push a blob, run it."""

from . import booter  # noqa: F401  (register)
from . import rawrepl  # noqa: F401  (register)
from . import mailbox  # noqa: F401  (register)
