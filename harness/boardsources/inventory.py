"""The local board inventory as a board source (boards.toml, $HIL_BOARD_*)."""

from __future__ import annotations

from ..inventory import Board, load_inventory, select_board
from ..registry import board_sources


@board_sources.register("inventory")
class InventorySource:
    def __init__(self, settings: dict):
        self.path = settings.get("inventory")
        self.name = settings.get("board")

    def board(self, target: str, index: int, overrides: dict) -> Board:
        return select_board(target, load_inventory(self.path), self.name, overrides, index)

    def release(self) -> None:
        pass  # nothing is held: a local board is the user's own
