"""The board inventory: which physical boards exist, and how to reach them.

Boards are named in a TOML file (``--inventory``, $HIL_INVENTORY,
./boards.toml or ~/.config/bytecode-hil/boards.toml)::

    [boards.g030-desk]
    target = "g030"
    probe = "066DFF495150717867173240"   # pyOCD probe unique ID
    port = "/dev/ttyUSB0"                # pyserial URL: rfc2217://host:port, socket://host:port
    pack = "~/packs/Keil.STM32G0xx_DFP.1.4.0.pack"

and in environment variables, one per board:
``HIL_BOARD_G030_DESK="target=g030,probe=066D...,port=/dev/ttyUSB0"``.
Command-line options (``--probe``, ``--port``, ``--firmware``, ``--pack``)
override the chosen board's entry, or describe a board on their own.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..launchers.base import ENTRY_KEYS
from ..registry import board_sources

ENV_PREFIX = "HIL_BOARD_"


@dataclass(frozen=True)
class Board:
    name: str
    target: str
    options: dict = field(default_factory=dict)  # everything but the target, for the launcher
    origin: str = ""


def default_inventory_paths() -> list[Path]:
    paths = [Path("boards.toml")]
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    paths.append(Path(config) / "bytecode-hil" / "boards.toml")
    return paths


def launcher_class(target: str):
    """The launcher class of ``target``: its declared options are what a
    board's entry may set (harness/launchers/base.py)."""
    from ..registry import launchers
    from ..targets import load_target

    return launchers.get(load_target(target).launcher)


def entry_keys(target: str) -> set[str]:
    """The keys a board entry of ``target`` may hold."""
    return set(ENTRY_KEYS) | set(launcher_class(target).public_options())


def _entry(name: str, raw: dict, origin: str) -> Board:
    if "target" not in raw:
        raise ConfigError(f"{origin}: board {name!r} does not say its target",
                          'add target = "g030" (or the target it is) to its entry')
    target = raw["target"]
    if not isinstance(target, str):
        raise ConfigError(f"{origin}: board {name!r}: target must be a target's name")
    try:
        launcher = launcher_class(target)
    except ConfigError as exc:
        raise ConfigError(f"{origin}: board {name!r}: {exc.message}", exc.hint) from None
    if not isinstance(raw.get("description", ""), str):
        raise ConfigError(f"{origin}: board {name!r}: description must be text")
    options = launcher.check_options({k: v for k, v in raw.items() if k not in ENTRY_KEYS},
                                     f"{origin}: board {name!r}")
    return Board(name, target, options, origin)


def _from_env(environ) -> dict[str, Board]:
    boards = {}
    for var, text in environ.items():
        if not var.startswith(ENV_PREFIX) or not text:
            continue
        name = var[len(ENV_PREFIX):].lower().replace("_", "-")
        raw = {}
        for item in text.split(","):
            key, sep, value = item.partition("=")
            if not sep:
                raise ConfigError(f"${var}: {item!r} is not key=value",
                                  f'write it as {var}="target=g030,probe=...,port=..."')
            raw[key.strip()] = value.strip()
        boards[name] = _entry(name, raw, f"${var}")
    return boards


def load_inventory(path: str | os.PathLike | None = None, environ=None) -> dict[str, Board]:
    """Boards from the inventory file (if any) and the environment."""
    environ = os.environ if environ is None else environ
    chosen = path or environ.get("HIL_INVENTORY")
    boards: dict[str, Board] = {}
    if chosen:
        candidates = [Path(chosen).expanduser()]
        if not candidates[0].exists():
            raise ConfigError(f"inventory {chosen} does not exist",
                              "create it (see docs/boards.md) or drop --inventory")
    else:
        candidates = [p for p in default_inventory_paths() if p.exists()][:1]
    for file in candidates:
        try:
            data = tomllib.loads(file.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: not valid TOML: {exc}") from None
        extra = sorted(set(data) - {"boards"})
        if extra:
            raise ConfigError(f"{file}: unknown top-level keys {', '.join(extra)}",
                              "boards go in [boards.NAME] tables")
        for name, raw in data.get("boards", {}).items():
            if not isinstance(raw, dict):
                raise ConfigError(f"{file}: boards.{name} must be a table")
            boards[name] = _entry(name, raw, str(file))
    boards.update(_from_env(environ))
    return boards


def select_board(target: str, boards: dict[str, Board], name: str | None = None,
                 overrides: dict | None = None, index: int = 0) -> Board:
    """The board to use for ``target``: the one named, else the ``index``-th of
    that target (pytest-xdist worker N takes board N), else one made of the
    command-line overrides alone."""
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    if name:
        if name not in boards:
            known = ", ".join(sorted(boards)) or "none"
            raise ConfigError(f"no board named {name!r} in the inventory", f"boards known: {known}")
        board = boards[name]
        if board.target != target:
            raise ConfigError(f"board {name!r} is a {board.target}, not a {target}",
                              f"pick a {target} board, or --target={board.target}")
    else:
        candidates = [b for n, b in sorted(boards.items()) if b.target == target]
        if candidates:
            if index >= len(candidates):
                raise ConfigError(f"{index + 1} workers want a {target} board, the inventory has "
                                  f"{len(candidates)}", "run fewer workers (-n) or add boards")
            board = candidates[index]
        else:
            board = Board(f"{target}-cli", target, {}, "command line")
    return Board(board.name, board.target, {**board.options, **overrides}, board.origin)


@board_sources.register("inventory")
class InventorySource:
    def __init__(self, settings: dict):
        self.path = settings.get("inventory")
        self.name = settings.get("board")

    def board(self, target: str, index: int, overrides: dict) -> Board:
        return select_board(target, load_inventory(self.path), self.name, overrides, index)

    def release(self) -> None:
        pass  # nothing is held: a local board is the user's own
