"""The board inventory: files, environment, selection, clear errors."""

import pytest

from harness.boardsources.inventory import load_inventory, select_board
from harness.errors import ConfigError

INVENTORY = '''
[boards.g030-a]
target = "g030"
probe = "AAA"
port = "/dev/ttyUSB0"

[boards.g030-b]
target = "g030"
probe = "BBB"
port = "rfc2217://farm.local:4001"
baud = 115200

[boards.esp32-a]
target = "esp32"
port = "socket://127.0.0.1:5555"
firmware = "~/fw/esp32.bin"
'''


@pytest.fixture
def inventory(tmp_path):
    path = tmp_path / "boards.toml"
    path.write_text(INVENTORY)
    return load_inventory(path, environ={})


def test_two_boards_of_one_target_are_told_apart(inventory):
    assert select_board("g030", inventory, "g030-b").options["probe"] == "BBB"
    assert select_board("g030", inventory).name == "g030-a"
    assert select_board("g030", inventory, index=1).name == "g030-b"
    assert select_board("g030", inventory, index=1).options["port"].startswith("rfc2217://")


def test_paths_are_expanded_and_overrides_win(inventory):
    board = select_board("esp32", inventory, overrides={"firmware": "/tmp/other.bin", "probe": None})
    assert board.options["firmware"] == "/tmp/other.bin"
    assert "~" not in select_board("esp32", inventory).options["firmware"]


def test_environment_boards(tmp_path):
    boards = load_inventory(None, environ={"HIL_BOARD_LAB_G030": "target=g030,probe=CCC,port=socket://h:1,baud=9600"})
    board = select_board("g030", boards)
    assert board.name == "lab-g030" and board.options == {"probe": "CCC", "port": "socket://h:1", "baud": 9600}


def test_command_line_board_when_the_inventory_has_none():
    board = select_board("g030", {}, overrides={"probe": "DDD", "port": None})
    assert board.name == "g030-cli" and board.options == {"probe": "DDD"}


@pytest.mark.parametrize("text, message", [
    ('[boards.x]\nprobe = "A"\n', "does not say its target"),
    ('[boards.x]\ntarget = "g030"\ncolour = "red"\n', "unknown keys colour"),
    ('[boards.x]\ntarget = "g030"\nbaud = "fast"\n', "baud must be a number"),
    ('[board.x]\ntarget = "g030"\n', "unknown top-level keys board"),
    ('[boards.x\n', "not valid TOML"),
])
def test_bad_inventories(tmp_path, text, message):
    path = tmp_path / "boards.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_inventory(path, environ={})


def test_selection_errors(inventory):
    with pytest.raises(ConfigError, match="no board named 'nope'.*"):
        select_board("g030", inventory, "nope")
    with pytest.raises(ConfigError, match="is a esp32, not a g030"):
        select_board("g030", inventory, "esp32-a")
    with pytest.raises(ConfigError, match="3 workers want a g030 board, the inventory has 2"):
        select_board("g030", inventory, index=2)
    with pytest.raises(ConfigError, match="does not exist"):
        load_inventory("/nonexistent/boards.toml", environ={})


def test_bad_environment_entry():
    with pytest.raises(ConfigError, match="is not key=value"):
        load_inventory(None, environ={"HIL_BOARD_X": "target=g030,oops"})
