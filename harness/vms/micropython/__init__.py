"""MicroPython: its profile (``profile``), the .mpy format (``mpy``), bundles
of a program and its helper modules (``bundle``), and the raw-REPL transport
of its stock firmware (``rawrepl``)."""

from . import rawrepl  # noqa: F401  (registers the raw-repl transport)
from .profile import PIN, REQUIRED_FILES, MicroPythonProfile

__all__ = ["PIN", "REQUIRED_FILES", "MicroPythonProfile"]
