"""Board sources: the inventory, and labgrid places behind a fake client.

The labgrid source is tested against ``FakeLabgrid``, which stands in for
``LabgridClient`` (the one class that calls labgrid). tools/labgrid_e2e.py
runs the same source against a real coordinator and exporter.
"""

from __future__ import annotations

import importlib.util
import signal
import sys

import pytest

from harness.boardsources import open_source, source_name, worker_index
from harness.boardsources.labgrid import LabgridClient, LabgridSource, PlaceInfo, serial_url
from harness.errors import ConfigError, InfrastructureError

# Nested runs without labgrid's own pytest plugin (where it is installed):
# it keeps process-wide state that a second in-process session trips over.
NESTED = ("-p", "no:cacheprovider", "-p", "no:labgrid")


class FakeLabgrid:
    """A coordinator's places in memory; records what the source does."""

    def __init__(self, env_path, coordinator=None):
        self.env_path = env_path
        self.coordinator = coordinator
        self.places = {  # place -> (holder, tags, serial)
            "farm-g030-1": ("", {"target": "g030", "probe": "066DFF1"}, ("exp1", 20001, "rfc2217", 115200)),
            "farm-g030-2": ("", {"target": "g030", "probe": "066DFF2"}, ("exp1", 20002, "rfc2217", 115200)),
            "farm-esp32": ("", {"target": "esp32"}, ("exp2", 20003, "raw", 460800)),
        }
        self.role_list = [("g030-a", "farm-g030-1", {}), ("g030-b", "farm-g030-2", {"pack": "/packs/g0.pack"}),
                          ("esp", "farm-esp32", {"firmware": "/fw/esp32.bin"})]
        self.log: list[str] = []
        self.offline: set[str] = set()
        self.closed = False

    def roles(self):
        return list(self.role_list)

    def holder(self, place):
        if place not in self.places:
            raise ConfigError(f"no place {place!r}")
        holder, tags, _ = self.places[place]
        return holder, dict(tags)

    def me(self):
        return "ci-runner/hil"

    def acquire(self, place):
        self.log.append(f"acquire {place}")
        holder, tags, serial = self.places[place]
        self.places[place] = (self.me(), tags, serial)

    def release(self, place):
        self.log.append(f"release {place}")
        _, tags, serial = self.places[place]
        self.places[place] = ("", tags, serial)

    def describe(self, role, place):
        _, tags, serial = self.places[place]
        return PlaceInfo(dict(tags), serial, place not in self.offline)

    def close(self):
        self.closed = True


@pytest.fixture
def farm(monkeypatch):
    made = []

    def make(env_path, coordinator=None):
        made.append(FakeLabgrid(env_path, coordinator))
        return made[-1]

    monkeypatch.setattr(LabgridSource, "client_class", staticmethod(make))
    monkeypatch.setattr(signal, "signal", lambda *a: None)  # leave the test process's SIGTERM alone
    source = LabgridSource({"lg_env": "farm.yaml", "lg_coordinator": "coord:20408"})
    return source, made


def test_source_is_chosen_by_the_settings():
    assert source_name({"lg_env": "farm.yaml"}) == "labgrid"
    assert source_name({"lg_env": None, "inventory": "boards.toml"}) == "inventory"
    assert type(open_source({"lg_env": "farm.yaml"})).__name__ == "LabgridSource"


def test_worker_index_follows_pytest_xdist():
    assert worker_index({}) == 0
    assert worker_index({"PYTEST_XDIST_WORKER": "gw3"}) == 3


def test_inventory_source_picks_the_workers_board(tmp_path):
    inv = tmp_path / "boards.toml"
    inv.write_text('[boards.a]\ntarget = "g030"\nport = "/dev/ttyUSB0"\n'
                   '[boards.b]\ntarget = "g030"\nport = "/dev/ttyUSB1"\n')
    source = open_source({"inventory": str(inv)})
    assert source.board("g030", 1, {}).options["port"] == "/dev/ttyUSB1"
    assert source.board("g030", 0, {"port": "rfc2217://h:1"}).options["port"] == "rfc2217://h:1"
    source.release()


def test_place_becomes_a_board(farm):
    source, made = farm
    board = source.board("g030", 0, {"probe": None})
    client = made[0]
    assert client.coordinator == "coord:20408"
    assert board.name == "farm-g030-1" and board.target == "g030"
    assert board.options == {"probe": "066DFF1", "port": "rfc2217://exp1:20001?ign_set_control", "baud": 115200}
    assert "labgrid place farm-g030-1" in board.origin
    assert client.log == ["acquire farm-g030-1"]
    source.release()
    assert client.log == ["acquire farm-g030-1", "release farm-g030-1"] and client.closed
    source.release()  # a second release is harmless
    assert client.log.count("release farm-g030-1") == 1


def test_worker_takes_its_own_place_and_options_layer(farm):
    source, made = farm
    board = source.board("g030", 1, {"probe": "FROM-CLI"})
    # tags, then the environment file's options, then the command line
    assert board.name == "farm-g030-2"
    assert board.options["pack"] == "/packs/g0.pack" and board.options["probe"] == "FROM-CLI"
    source.release()


def test_raw_serial_is_a_socket_url_and_targets_filter_places(farm):
    source, made = farm
    board = source.board("esp32", 0, {})
    assert board.options["port"] == "socket://exp2:20003" and board.options["baud"] == 460800
    assert board.options["firmware"] == "/fw/esp32.bin"
    source.release()


def test_too_many_workers_for_the_places(farm):
    source, made = farm
    with pytest.raises(ConfigError, match="3 workers want a g030 board; farm.yaml names 2 place"):
        source.board("g030", 2, {})
    assert made[0].log == []  # nothing acquired


def test_no_place_for_the_target(farm):
    source, made = farm
    with pytest.raises(ConfigError, match="none of the places in farm.yaml is a qemu-m0 board"):
        source.board("qemu-m0", 0, {})


def test_a_place_someone_holds_is_passed_over(farm):
    source, made = farm
    client = source._client()
    client.places["farm-g030-1"] = ("desk-7/anna", {"target": "g030"}, ("e", 1, "rfc2217", 115200))
    assert source.board("g030", 0, {}).name == "farm-g030-2"
    assert client.log == ["acquire farm-g030-2"]
    source.release()
    assert client.places["farm-g030-1"][0] == "desk-7/anna"  # never taken from her


def test_every_place_taken_is_a_clear_error(farm):
    source, made = farm
    client = source._client()
    client.places["farm-g030-1"] = ("desk-7/anna", {"target": "g030"}, ("e", 1, "rfc2217", 115200))
    client.places["farm-g030-2"] = ("ci-runner/hil", {"target": "g030"}, ("e", 2, "rfc2217", 115200))
    with pytest.raises(InfrastructureError) as err:
        source.board("g030", 0, {})
    text = str(err.value)
    assert "every g030 place of farm.yaml is taken: farm-g030-1 by desk-7/anna, farm-g030-2 by ci-runner/hil" in text
    assert "a run that died?" in text and "`labgrid-client -p farm-g030-2 release`" in text
    assert client.log == []


def test_a_place_taken_between_look_and_acquire_is_passed_over(farm):
    source, made = farm
    client = source._client()
    real_acquire = client.acquire

    def lose_the_race(place):
        if place == "farm-g030-2":  # someone got there first
            _, tags, serial = client.places[place]
            client.places[place] = ("desk-9/bo", tags, serial)
            raise InfrastructureError(f"could not acquire labgrid place {place}: taken")
        real_acquire(place)

    client.acquire = lose_the_race
    assert source.board("g030", 1, {}).name == "farm-g030-1"  # worker 1 starts at the 2nd, wraps round
    source.release()


def test_a_failed_board_gives_back_only_its_own_place(farm):
    source, made = farm
    client = source._client()
    esp = source.board("esp32", 0, {})
    client.offline.add("farm-g030-1")
    with pytest.raises(InfrastructureError, match="offline"):
        source.board("g030", 0, {})
    assert source.held == [esp.name]  # the esp32 run goes on with its board
    source.release()
    assert client.places["farm-esp32"][0] == ""


def test_offline_serial_port_releases_the_place(farm):
    source, made = farm
    client = source._client()
    client.offline.add("farm-g030-1")
    with pytest.raises(InfrastructureError, match="serial port exp1:20001 is offline"):
        source.board("g030", 0, {})
    assert client.log == ["acquire farm-g030-1", "release farm-g030-1"]


def test_place_without_a_serial_port(farm):
    source, made = farm
    client = source._client()
    client.places["farm-g030-1"] = ("", {"target": "g030"}, None)
    with pytest.raises(ConfigError, match="has no NetworkSerialPort"):
        source.board("g030", 0, {})
    assert client.log[-1] == "release farm-g030-1"
    # ... unless the command line gives one
    assert source.board("g030", 0, {"port": "socket://h:2"}).options["port"] == "socket://h:2"
    source.release()


def test_bad_tag_value_names_the_place(farm):
    source, made = farm
    client = source._client()
    client.places["farm-g030-1"] = ("", {"baud": "fast"}, ("e", 1, "rfc2217", 115200))
    with pytest.raises(ConfigError, match="farm-g030-1.*baud must be a number"):
        source.board("g030", 0, {})


def test_serial_url_protocols():
    assert serial_url("h", 5, "rfc2217") == "rfc2217://h:5?ign_set_control"
    assert serial_url("h", 5, "raw") == "socket://h:5"
    with pytest.raises(ConfigError, match="speaks 'telnet'"):
        serial_url("h", 5, "telnet")


def test_without_labgrid_the_error_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "labgrid", None)  # import labgrid fails as if not installed
    with pytest.raises(ConfigError, match=r"labgrid is not installed") as err:
        LabgridClient("farm.yaml")
    assert "bytecode-hil[labgrid]" in str(err.value)


@pytest.mark.skipif(importlib.util.find_spec("labgrid") is not None,
                    reason="shows the error of a machine without labgrid; labgrid is installed here")
def test_pytest_run_with_lg_env_and_no_labgrid(pytester, monkeypatch):
    """The plugin's --lg-env (labgrid absent) reaches the source: a clear error per case, no traceback."""
    monkeypatch.setitem(sys.modules, "labgrid", None)
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\nhil_case_roots = ["cases"]\n')
    pytester.mkdir("cases")
    (pytester.path / "cases" / "hello.py").write_text("print('hi')\n")
    monkeypatch.setenv("LG_ENV", "farm.yaml")
    result = pytester.runpytest_inprocess("--target=g030", *NESTED)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*INFRASTRUCTURE: --lg-env farm.yaml: labgrid is not installed*",
                                 "*pip install ?bytecode-hil?labgrid??*"])


def test_pytest_run_releases_the_place_when_the_board_fails(pytester, farm, monkeypatch):
    """Acquired at the first case, released at the end although bring-up failed."""
    source, made = farm
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\nhil_case_roots = ["cases"]\n')
    pytester.mkdir("cases")
    for name in ("a", "b"):
        (pytester.path / "cases" / f"{name}.py").write_text("print('hi')\n")
    # a probe that is not attached: the pyOCD launcher fails the bring-up
    monkeypatch.setenv("LG_ENV", "farm.yaml")
    result = pytester.runpytest_inprocess("--target=g030", "--probe=NO-SUCH-PROBE", *NESTED)
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*INFRASTRUCTURE:*"])
    assert len(made) == 1  # one source for the run, one acquisition for both cases
    assert made[0].log == ["acquire farm-g030-1", "release farm-g030-1"] and made[0].closed


@pytest.mark.skipif(importlib.util.find_spec("labgrid") is None,
                    reason="reads the file with labgrid, which is not installed (pip install '.[labgrid]')")
def test_example_environment_file_loads_in_labgrid():
    from harness.paths import CASES_DIR

    client = LabgridClient(str(CASES_DIR.parent / "docs" / "examples" / "labgrid-env.yaml"))
    assert [(role, place, options.get("target")) for role, place, options in client.roles()] == [
        ("g030-1", "hil-g030-1", "g030"), ("g030-2", "hil-g030-2", "g030"), ("esp32-1", "hil-esp32-1", "esp32")]
    assert client.address == "labgrid.example.lan:20408"


@pytest.mark.skipif(importlib.util.find_spec("labgrid") is None,
                    reason="reads the file with labgrid, which is not installed (pip install '.[labgrid]')")
def test_example_exporter_file_loads_in_labgrid(capsys):
    from labgrid.remote.config import ResourceConfig

    from harness.paths import CASES_DIR

    data = ResourceConfig(str(CASES_DIR.parent / "docs" / "examples" / "labgrid-exporter.yaml")).data
    assert sorted(data) == ["esp32-1", "g030-1", "g030-2"]
    assert all(group["USBSerialPort"]["speed"] == 115200 for group in data.values())
