"""Boards from a labgrid farm: a RemotePlace acquired through labgrid's coordinator.

The labgrid environment file (``--lg-env``, $LG_ENV) names one labgrid
target per board a run may take, each holding a ``RemotePlace``; the
coordinator's address comes from ``--lg-coordinator``, the file's
``options: coordinator_address`` or $LG_COORDINATOR (labgrid's own rules).
For a target (``--target``) the source takes the first free place of the
file that serves it (pytest-xdist worker N starts looking at the Nth),
acquires it, and builds a ``Board`` from it:

- ``port``: the place's ``NetworkSerialPort`` as a pyserial URL,
  ``rfc2217://host:port?ign_set_control`` (or ``socket://host:port`` for
  raw TCP);
- the other board keys of the inventory (``probe``, ``pack``, ``baud``,
  ``firmware``, ...): from the place's tags (``labgrid-client set-tags
  probe=...``), then the labgrid target's ``options`` in the environment
  file, then the command line;
- ``target`` in the tags or the options says which bytecode-hil target
  the place's board is; a place that says none serves any.

``release()`` gives every acquired place back; the plugin calls it at the
end of the run, Ctrl-C and SIGTERM included. labgrid is an optional
dependency (``pip install 'bytecode-hil[labgrid]'``), imported only by
``LabgridClient``, the one class that calls it; tests replace it.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field

from ..errors import ConfigError, InfrastructureError
from ..procs import terminate_as_interrupt
from ..registry import board_sources
from .inventory import Board, _entry, entry_keys

INSTALL_HINT = "install labgrid beside the harness: pip install 'bytecode-hil[labgrid]' (see docs/farm.md)"
DEFAULT_COORDINATOR = "127.0.0.1:20408"  # labgrid's default


@dataclass
class PlaceInfo:
    """What the coordinator says about an acquired place."""

    tags: dict = field(default_factory=dict)
    serial: tuple | None = None  # (host, port, protocol, speed) of its NetworkSerialPort
    serial_available: bool = True


class LabgridClient:
    """The few labgrid calls the source makes, and nothing more."""

    def __init__(self, env_path: str, coordinator: str | None = None):
        try:
            from labgrid import Environment
            from labgrid.exceptions import InvalidConfigError, NoConfigFoundError
        except ImportError:
            raise ConfigError(f"--lg-env {env_path}: labgrid is not installed", INSTALL_HINT) from None
        try:
            self.env = Environment(config_file=env_path)
        except (NoConfigFoundError, InvalidConfigError, OSError) as exc:
            raise ConfigError(f"labgrid environment {env_path}: {exc}",
                              "see docs/examples/labgrid-env.yaml for one that works") from None
        self.env_path = env_path
        if coordinator:
            self.env.config.set_option("coordinator_address", coordinator)
        self.address = self.env.config.get_option("coordinator_address",
                                                  os.environ.get("LG_COORDINATOR", DEFAULT_COORDINATOR))
        self.session = None

    def roles(self) -> list[tuple[str, str, dict]]:
        """(labgrid target name, place name, its options) of each target holding a RemotePlace, in file order."""
        from labgrid.factory import target_factory

        found = []
        for role, config in self.env.config.get_targets().items():
            resources, _ = target_factory.normalize_config(config or {})
            for place in resources.get("RemotePlace", {}):
                found.append((role, place, dict((config or {}).get("options") or {})))
        return found

    def _connect(self):
        if self.session is None:
            from labgrid.remote.client import Error, start_session

            try:
                self.session = start_session(self.address, extra={"args": argparse.Namespace(
                    place=None, allow_unmatched=False, kick=False)})
            except (Error, ConnectionError, OSError) as exc:
                raise InfrastructureError(f"cannot reach the labgrid coordinator at {self.address}: {exc}",
                                          "start labgrid-coordinator there, or give its address with "
                                          "--lg-coordinator HOST:PORT or $LG_COORDINATOR") from None
        return self.session

    def _run(self, coro_fn, place: str):
        # acquire() and release() act on args.place when the session has no environment.
        session = self._connect()
        session.args.place = place
        return session.loop.run_until_complete(coro_fn())

    def holder(self, place: str) -> tuple[str, dict]:
        """Who holds the place ('' when idle), and its tags."""
        from labgrid.remote.client import Error

        session = self._connect()
        try:
            found = session.get_place(place)
        except Error:
            known = ", ".join(sorted(session.places)) or "none"
            raise ConfigError(f"the labgrid coordinator at {self.address} has no place {place!r}",
                              f"places it has: {known}; fix the RemotePlace name in {self.env_path}") from None
        return found.acquired or "", dict(found.tags)

    def me(self) -> str:
        session = self._connect()
        return f"{session.gethostname()}/{session.getuser()}"

    def acquire(self, place: str) -> None:
        from labgrid.remote.client import Error

        try:
            self._run(self._connect().acquire, place)
        except Error as exc:
            raise InfrastructureError(f"could not acquire labgrid place {place}: {exc}") from None

    def release(self, place: str) -> None:
        from labgrid.remote.client import Error

        try:
            self._run(self._connect().release, place)
        except Error as exc:
            raise InfrastructureError(f"could not release labgrid place {place}: {exc}",
                                      f"release it by hand: labgrid-client -p {place} release") from None

    def describe(self, role: str, place: str) -> PlaceInfo:
        from labgrid.exceptions import NoResourceFoundError
        from labgrid.remote.client import Error
        from labgrid.resource import NetworkSerialPort
        from labgrid.resource.remote import RemotePlaceManager

        _, tags = self.holder(place)
        # The RemotePlace resolves its resources through our session, as
        # labgrid-client does: the coordinator takes one stream per client.
        manager = RemotePlaceManager.get()
        manager.session, manager.loop = self.session, self.session.loop
        try:
            target = self.env.get_target(role)
        except Error as exc:
            raise InfrastructureError(f"labgrid place {place}: {exc}",
                                      f"see `labgrid-client -p {place} show`") from None
        try:
            port = target.get_resource(NetworkSerialPort, wait_avail=False)
        except NoResourceFoundError:
            return PlaceInfo(tags)
        target.update_resources()
        return PlaceInfo(tags, (port.host, port.port, port.protocol, port.speed), bool(port.avail))

    def close(self) -> None:
        try:
            self.env.cleanup()
        finally:
            if self.session is not None:
                loop = self.session.loop
                loop.run_until_complete(self.session.stop())
                loop.run_until_complete(self.session.close())
                self.session = None


def serial_url(host: str, port: int, protocol: str) -> str:
    """A pyserial URL for a labgrid NetworkSerialPort."""
    if protocol == "rfc2217":
        # ser2net (what labgrid's exporter runs) does not answer SET_CONTROL
        # the way stock pyserial waits for: without this, opening times out.
        return f"rfc2217://{host}:{port}?ign_set_control"
    if protocol == "raw":
        return f"socket://{host}:{port}"
    raise ConfigError(f"the place's NetworkSerialPort speaks {protocol!r}",
                      "export it with protocol rfc2217 (ser2net's default in labgrid) or raw")


@board_sources.register("labgrid")
class LabgridSource:
    client_class = LabgridClient

    def __init__(self, settings: dict):
        self.env_path = settings["lg_env"]
        self.coordinator = settings.get("lg_coordinator")
        self.client: LabgridClient | None = None
        self.held: list[str] = []

    def _client(self) -> LabgridClient:
        if self.client is None:
            self.client = self.client_class(self.env_path, self.coordinator)
        return self.client

    def board(self, target: str, index: int, overrides: dict) -> Board:
        client = self._client()
        roles = client.roles()
        if not roles:
            raise ConfigError(f"{self.env_path} has no labgrid target with a RemotePlace",
                              "add one: targets: {g030-1: {resources: {RemotePlace: {name: PLACE}}}} "
                              "(docs/examples/labgrid-env.yaml)")
        candidates = []
        for role, place, options in roles:
            serves = options.get("target")
            if serves is None:
                serves = client.holder(place)[1].get("target")
            if serves in (None, target):
                candidates.append((role, place, options))
        if not candidates:
            raise ConfigError(f"none of the places in {self.env_path} is a {target} board",
                              f"places: {', '.join(p for _, p, _ in roles)}; their 'target' option or tag "
                              f"names another target")
        if index >= len(candidates):
            raise ConfigError(f"{index + 1} workers want a {target} board; {self.env_path} names "
                              f"{len(candidates)} place(s) for it", "run fewer workers (-n) or add places")
        # Worker N starts at the Nth place and goes on round the list: a
        # place someone holds is passed over, and two workers never race for
        # one, since the coordinator grants each acquisition to one client.
        # A CI job being cancelled gets SIGTERM: unwind like Ctrl-C, so the
        # run's end releases the place instead of leaving it held.
        terminate_as_interrupt()
        held_by = []
        for role, place, options in candidates[index:] + candidates[:index]:
            holder, _ = client.holder(place)
            if not holder:
                try:
                    client.acquire(place)
                except InfrastructureError:
                    holder, _ = client.holder(place)  # taken between our look and our request
                    if not holder:
                        raise
            if holder:
                held_by.append((place, holder))
                continue
            self.held.append(place)
            try:
                info = client.describe(role, place)
                return self._make_board(target, place, options, info, overrides)
            except BaseException:
                self._give_back(place)
                raise
        me = client.me()
        ours = [place for place, holder in held_by if holder == me]
        raise InfrastructureError(
            f"every {target} place of {self.env_path} is taken: "
            + ", ".join(f"{place} by {holder}" + (" (this host and user: another worker, or a run that died?)"
                                                      if holder == me else "")
                        for place, holder in held_by),
            "release yours with " + ", ".join(f"`labgrid-client -p {p} release`" for p in ours) if ours else
            "wait until one is released, or add places to the environment file")

    def _make_board(self, target: str, place: str, options: dict, info: PlaceInfo, overrides: dict) -> Board:
        origin = f"labgrid place {place} ({self.env_path})"
        keys = entry_keys(target)   # what the target's launcher takes; other tags are the farm's own
        raw = {k: v for k, v in info.tags.items() if k in keys}
        raw.update({k: v for k, v in options.items() if k in keys})
        raw["target"] = target
        if info.serial is not None:
            host, port, protocol, speed = info.serial
            if not info.serial_available:
                raise InfrastructureError(f"labgrid place {place}: its serial port {host}:{port} is offline",
                                          "check the exporter serving it (labgrid-client -p "
                                          f"{place} show)")
            raw.setdefault("port", serial_url(host, port, protocol))
            raw.setdefault("baud", speed)
        board = _entry(place, raw, origin)
        options = {**board.options, **{k: v for k, v in overrides.items() if v is not None}}
        if "port" not in options:
            raise ConfigError(f"labgrid place {place} has no NetworkSerialPort",
                              "export the board's serial port (RawSerialPort or NetworkSerialPort) and add "
                              f"it to the place: labgrid-client -p {place} add-match EXPORTER/GROUP/NetworkSerialPort")
        return Board(place, target, options, origin)

    def _give_back(self, place: str) -> None:
        self.held.remove(place)
        try:
            self.client.release(place)
        except InfrastructureError as exc:
            print(f"bytecode-hil: {exc}", file=sys.stderr)

    def release(self) -> None:
        """Give every place back and close the session; safe to call twice."""
        problems = []
        while self.held:
            place = self.held.pop()
            try:
                self.client.release(place)
            except InfrastructureError as exc:
                problems.append(str(exc))
        if self.client is not None:
            try:
                self.client.close()
            except Exception as exc:  # closing a session whose coordinator went away
                problems.append(f"closing the labgrid session: {exc}")
            self.client = None
        for problem in problems:
            print(f"bytecode-hil: {problem}", file=sys.stderr)
