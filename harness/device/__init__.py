"""Talking to a target: the byte links launchers open (``link``), what a
device says of itself and of a run (``info``), ``Device`` (a launcher and a
transport together, which turns every way a run can end into an
``Execution``), memory ports (``memports``) and fault injection for tests
(``faults``)."""

from .device import Device, Execution

__all__ = ["Device", "Execution"]
