"""PikaScript (PikaPython): its profile (``profile``) and its blob formats (``formats``)."""

from .profile import PIN_1_14, PikaScriptProfile

__all__ = ["PIN_1_14", "PikaScriptProfile"]
