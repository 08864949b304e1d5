"""What every launcher is: its declared options and its lifecycle.

As labgrid's drivers declare their attributes, a launcher declares the
options it reads (``options``, each an ``Option`` with its type, default and
meaning). A board's inventory entry (harness/boardsources/inventory.py), a
labgrid place's tags, and the target file's ``launcher_options`` may set the
public ones, and are checked against them: a board for a target is
described in that target's launcher's words, and an unknown key or a value
of the wrong type is an error that lists what the launcher takes. Options the
harness itself passes (the build id a board must run, whether to open a
memory port) are declared too, as ``internal``.

The lifecycle is explicit: ``activate()`` brings the target up (flashing it
when needed) and returns a byte link, ``recover()`` restarts it after a hang
or a lost link, ``deactivate()`` stops it and lets go of its port or probe.
``describe_loss(via)`` says why a link went away, and ``loss_is_vm_crash``
whether losing it is the VM's doing (a host runner that died) or the
infrastructure's (an emulator or a board gone).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ClassVar

from ..device.link import Link
from ..errors import ConfigError

# What an inventory entry holds besides its launcher's options.
ENTRY_KEYS = ("target", "description")


@dataclass(frozen=True)
class Option:
    kind: type = str
    default: object = None
    help: str = ""
    internal: bool = False   # passed by the harness, not set by a board's entry
    path: bool = False       # a file name: ~ is expanded


class Launcher:
    options: ClassVar[dict[str, Option]] = {}
    loss_is_vm_crash: ClassVar[bool] = False

    def __init__(self, target, firmware: Path | None, log_dir: Path, options: dict | None = None):
        self.target = target
        self.firmware = firmware
        self.log_dir = Path(log_dir)
        # Declared defaults, under the target file's launcher_options, under
        # the board's entry with the command line's overrides and what the
        # harness passes.
        given = {**self.check_options({**target.launcher_options}, f"{target.path} (launcher_options)"),
                 **self.check_options(options or {}, f"{target.name}'s board", internal=True)}
        self.options = {**{k: o.default for k, o in self.options.items() if o.default is not None}, **given}

    @classmethod
    def public_options(cls) -> dict[str, Option]:
        return {name: o for name, o in cls.options.items() if not o.internal}

    @classmethod
    def check_options(cls, raw: dict, where: str, internal: bool = False) -> dict:
        """``raw`` as this launcher reads it: each key one it declares (the
        internal ones too, with ``internal``), each value of its type
        (numbers may come as text, from an environment variable, the command
        line or a labgrid tag); a ``ConfigError`` naming ``where`` otherwise."""
        known = cls.options if internal else cls.public_options()
        unknown = sorted(set(raw) - set(known))
        if unknown:
            name = getattr(cls, "registered_name", cls.__name__)
            raise ConfigError(f"{where}: unknown keys {', '.join(unknown)}",
                              f"the {name} launcher takes: {', '.join(sorted(cls.public_options())) or 'none'}")
        checked = {}
        for key, value in raw.items():
            option = known[key]
            if option.kind in (int, float) and isinstance(value, str):
                try:
                    value = option.kind(value, 0) if option.kind is int else float(value)
                except ValueError:
                    raise ConfigError(f"{where}: {key} must be a number, not {value!r}") from None
            if option.kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, option.kind) or isinstance(value, bool) is not (option.kind is bool):
                raise ConfigError(f"{where}: {key} must be a {option.kind.__name__}, not {value!r}")
            checked[key] = str(Path(value).expanduser()) if option.path else value
        return checked

    # --- the lifecycle ---------------------------------------------------------
    def activate(self) -> Link:
        raise NotImplementedError

    def recover(self) -> Link:
        self.deactivate()
        return self.activate()

    def deactivate(self) -> None:
        raise NotImplementedError

    def describe_loss(self, via: str = "serial") -> str:
        return f"the link to {self.target.name} went away"


def flash_if_needed(image: str, identity: str | None, running: str | None, flash: Callable[[], None],
                    say: Callable[[str], None], how: str = "") -> str:
    """Flash ``image`` unless the board runs it already, the logic every
    flashing launcher shares. ``identity`` is the image's (a build id, a
    digest; None: unknown, so flash), ``running`` what the board says it
    runs, in the same terms (None: it says nothing). ``flash`` writes and
    verifies; ``how`` says how, for the user. Returns "written" or "skipped"."""
    if identity is not None and running == identity:
        say(f"the board runs {image} ({identity}) already: not flashed")
        return "skipped"
    say(f"flashing {image} ({identity or 'unknown'}; the board runs {running or 'nothing that answers'})"
        + (f" {how}" if how else "") + " ...")
    flash()
    return "written"
