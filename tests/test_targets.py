"""Target descriptions load, and bad ones are clear errors."""

import pytest

from harness.errors import ConfigError
from harness.registry import launchers, transports, vm_profiles
from harness.targets import available_targets, load_target

GOOD = '''name = "t"
description = "a test target"
vm = "micropython"
config = "host"
board = "posix"
launcher = "process"
transport = "booter"
'''


def test_every_shipped_target_loads_and_names_registered_pieces():
    names = available_targets()
    assert {"host", "host32"} <= set(names)
    for name in names:
        t = load_target(name)
        launchers.get(t.launcher)
        transports.get(t.transport)
        vm_profiles.get(t.vm)
        if t.reference:
            assert load_target(t.reference).launcher == "process"


def write(tmp_path, text, name="t"):
    (tmp_path / name).mkdir()
    (tmp_path / name / "target.toml").write_text(text)


def test_good_target(tmp_path):
    write(tmp_path, GOOD)
    t = load_target("t", tmp_path)
    assert t.timeout == 10.0 and t.reference == ""


@pytest.mark.parametrize("text, message", [
    (GOOD + "colour = 'red'\n", "unknown key 'colour'"),
    (GOOD.replace('board = "posix"\n', ""), "missing board"),
    (GOOD + "timeout = 'long'\n", "'timeout' has the wrong type"),
    (GOOD + "memory = { flash = -1 }\n", "memory.flash must be a positive"),
    (GOOD.replace('name = "t"', 'name = "u"'), "does not match its folder"),
    ("name = ", "not valid TOML"),
])
def test_bad_targets(tmp_path, text, message):
    write(tmp_path, text)
    with pytest.raises(ConfigError, match=message):
        load_target("t", tmp_path)


def test_unknown_target_lists_the_known_ones():
    with pytest.raises(ConfigError) as exc:
        load_target("no-such-board")
    assert "host32" in str(exc.value)


def test_unknown_launcher_is_a_clear_error():
    with pytest.raises(ConfigError, match="(?s)unknown launcher 'teleport'.*known launchers: .*process"):
        launchers.get("teleport")
