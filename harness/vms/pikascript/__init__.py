"""PikaScript (PikaPython): its profile (``profile``), its blob formats
(``formats``), and the pika-shell transport of its stock firmware (``shell``,
reading ``shell_text``)."""

from . import shell  # noqa: F401  (registers the pika-shell transport)
from .profile import PIN_1_14, PikaScriptProfile

__all__ = ["PIN_1_14", "PikaScriptProfile"]
