"""PikaScript (PikaPython): its profile (``profile``), the cores it builds
(``cores``: 1.14.0 and 1.8.6), their blob formats (``formats``,
``formats_v1_8_6``) and syntax levels (``syntaxlevel``), and the pika-shell
transport of its stock firmware (``shell``, reading ``shell_text``)."""

from . import shell  # noqa: F401  (registers the pika-shell transport)
from .profile import PIN_1_8_6, PIN_1_14, PikaScriptProfile

__all__ = ["PIN_1_14", "PIN_1_8_6", "PikaScriptProfile"]
