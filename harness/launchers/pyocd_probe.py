"""The few pyOCD calls the pyOCD launcher makes (harness/launchers/pyocd.py), and nothing more.

pyOCD is imported inside ``PyOCD`` alone, so other targets need no pyOCD,
and tests replace ``PyOCD`` with a fake of the same shape. Every pyOCD
failure comes out as ``ProbeError``, its message pyOCD's.
"""

from __future__ import annotations

from pathlib import Path


class ProbeError(Exception):
    """pyOCD failed; the message is pyOCD's."""


class PyOCD:
    """The few pyOCD calls the launcher makes, and nothing more."""

    def __init__(self):
        self.session = None

    def probes(self) -> list[tuple[str, str]]:
        """(unique ID, description) of every attached probe; does not wait for one."""
        from pyocd.core.helpers import ConnectHelper

        try:
            found = ConnectHelper.get_all_connected_probes(blocking=False, print_wait_message=False)
            return [(p.unique_id, p.description) for p in found]
        except Exception as exc:  # a USB stack pyOCD cannot use
            raise ProbeError(f"{type(exc).__name__}: {exc}") from None

    def target_types(self, pack: str | None) -> set[str]:
        """The target types pyOCD offers: the pack's devices, or without a
        pack the built-in targets and the packs installed in its cache."""
        from pyocd.target import TARGET, normalise_target_type_name
        from pyocd.target.pack import cmsis_pack, pack_target

        try:
            if pack:
                devices = cmsis_pack.CmsisPack(pack).devices
                return {normalise_target_type_name(d.part_number) for d in devices}
            installed = pack_target.ManagedPacks.get_installed_targets()
            return set(TARGET) | {normalise_target_type_name(d.part_number) for d in installed}
        except Exception as exc:  # a damaged pack, a pack cache pyOCD cannot read
            raise ProbeError(f"{type(exc).__name__}: {exc}") from None

    def connect(self, unique_id: str, options: dict) -> None:
        from pyocd.core import exceptions
        from pyocd.core.helpers import ConnectHelper
        from pyocd.core.session import Session

        # A Session on the probe whose ID is exactly this one: the helpers
        # match IDs as substrings, and ask on the terminal when several match.
        found = [p for p in ConnectHelper.get_all_connected_probes(blocking=False, print_wait_message=False)
                 if p.unique_id == unique_id]
        if not found:
            raise ProbeError(f"probe {unique_id} went away")
        try:
            self.session = Session(found[0], options=options)
            self.session.open()
        except exceptions.Error as exc:
            self.close()
            raise ProbeError(f"{type(exc).__name__}: {exc}") from None

    def _call(self, fn, *args):
        from pyocd.core import exceptions

        try:
            return fn(*args)
        except exceptions.Error as exc:
            raise ProbeError(f"{type(exc).__name__}: {exc}") from None

    def read32(self, address: int) -> int:
        return self._call(self.session.target.read32, address)

    def write32(self, address: int, value: int) -> None:
        self._call(self.session.target.write32, address, value)

    def read(self, address: int, size: int) -> bytes:
        return bytes(self._call(self.session.target.read_memory_block8, address, size))

    def write(self, address: int, data: bytes) -> None:
        self._call(self.session.target.write_memory_block8, address, list(data))

    def program(self, image: Path, address: int) -> None:
        from pyocd.flash.file_programmer import FileProgrammer

        self._call(FileProgrammer(self.session).program, str(image), "bin", base_address=address)

    def reset(self, hardware: bool) -> None:
        """Reset and run: hardware pulls NRST; otherwise the target's default
        (a system reset through the debug port)."""
        from pyocd.core.target import Target

        kind = Target.ResetType.HARDWARE if hardware else None
        self._call(self.session.target.reset, kind)

    def close(self) -> None:
        if self.session is not None:
            session, self.session = self.session, None
            try:
                session.close()
            except Exception:  # closing after the probe was unplugged
                pass
