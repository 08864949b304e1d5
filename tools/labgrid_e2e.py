"""End-to-end check of the labgrid board source on one machine, no board needed.

    python tools/labgrid_e2e.py        (from a virtualenv with bytecode-hil[labgrid])

Starts, all on 127.0.0.1: a labgrid coordinator; QEMU running the qemu-m0
booter with its UART on a pseudo-terminal; a labgrid exporter that exports
that terminal as a RawSerialPort, which it serves over RFC 2217 through
ser2net. It makes a place matching the port, then, through
``LabgridSource`` exactly as a run with ``--lg-env`` does: acquires the
place, opens the ``rfc2217://`` URL it gives, runs cases/ints through the
booter protocol and compares each output with CPython's, and releases the
place. Then the failure paths: a place someone else holds, a coordinator
that is not there. Prints what it saw; exits 1 if anything was wrong.

Needs: labgrid (its coordinator, exporter and client commands beside this
Python), ser2net (Debian: apt-get install ser2net) and qemu-system-arm.
Every process it starts is stopped at the end.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.boardsources.labgrid import LabgridSource  # noqa: E402
from harness.cases import discover  # noqa: E402
from harness.errors import HarnessError, InfrastructureError  # noqa: E402
from harness.launchers.qemu import QemuLauncher  # noqa: E402
from harness.links import SerialLink  # noqa: E402
from harness.oracle import Oracle, last_error_line, observable  # noqa: E402
from harness.paths import CASES_DIR  # noqa: E402
from harness.protocol import BooterClient  # noqa: E402
from harness.session import Toolchain  # noqa: E402
from harness.targets import load_target  # noqa: E402

BIN = Path(sys.executable).parent
PLACE = "hil-e2e-qemu"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Procs:
    """The processes this check started, stopped in reverse order."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.started: list[subprocess.Popen] = []

    def start(self, name: str, cmd: list[str], **kwargs) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "w")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **kwargs)
        self.started.append(proc)
        return proc

    def stop(self) -> None:
        for proc in reversed(self.started):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def wait_for(what: str, check, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise SystemExit(f"labgrid e2e: gave up waiting for {what}")


def client(coordinator: str, *args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "labgrid-client"), "-x", coordinator, *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=60)


def main() -> int:
    for tool in ("labgrid-coordinator", "labgrid-exporter", "labgrid-client"):
        if not (BIN / tool).exists():
            raise SystemExit(f"labgrid e2e: {tool} is not beside {sys.executable}; "
                             "pip install 'bytecode-hil[labgrid]' in this virtualenv")
    if shutil.which("ser2net") is None and not Path("/usr/sbin/ser2net").exists():
        raise SystemExit("labgrid e2e: ser2net is not installed (Debian: apt-get install ser2net)")
    problems: list[str] = []
    tmp = Path(tempfile.mkdtemp(prefix="hil-labgrid-e2e-"))
    procs = Procs(tmp)
    coordinator = f"127.0.0.1:{free_port()}"
    try:
        tc = Toolchain.prepare()
        target = load_target("qemu-m0")
        firmware = tc.profile.build_firmware(target, tc.source, tc.cache).product

        # The "board": QEMU with the booter's UART on a pseudo-terminal.
        qemu_cmd = QemuLauncher(target, firmware, tmp).command("unused")
        qemu_cmd[qemu_cmd.index("-chardev") + 1] = "pty,id=hil"
        qemu = procs.start("qemu", qemu_cmd)
        pty = wait_for("QEMU's pseudo-terminal", lambda: (re.findall(
            r"char device redirected to (/dev/pts/\d+)", (tmp / "qemu.log").read_text()) or [None])[0])
        print(f"QEMU (qemu-m0 booter) pid {qemu.pid}, UART on {pty}")

        # The coordinator keeps places.yaml in its working folder: the scratch one.
        procs.start("coordinator", [str(BIN / "labgrid-coordinator"), "-l", coordinator], cwd=tmp)
        wait_for("the coordinator", lambda: client(coordinator, "places").returncode == 0)
        (tmp / "exporter.yaml").write_text(f"hil:\n  RawSerialPort:\n    port: {pty}\n    speed: 115200\n")
        procs.start("exporter", [str(BIN / "labgrid-exporter"), "-c", coordinator, "-n", "e2e",
                                 "--hostname", "127.0.0.1", str(tmp / "exporter.yaml")],
                    env={**os.environ, "PATH": f"/usr/sbin:{os.environ.get('PATH', '')}"})
        wait_for("the exporter's serial port", lambda: "NetworkSerialPort" in client(
            coordinator, "resources").stdout)
        for args in (["create"], ["add-match", "e2e/hil/NetworkSerialPort"], ["set-tags", "target=g030"]):
            done = client(coordinator, "-p", PLACE, *args)
            if done.returncode != 0:
                raise SystemExit(f"labgrid-client {' '.join(args)}: {done.stderr}")
        print(f"coordinator {coordinator}, exporter e2e, place {PLACE} (tag target=g030)")

        env_file = tmp / "env.yaml"
        env_file.write_text(f"targets:\n  board-1:\n    resources:\n      RemotePlace:\n        name: {PLACE}\n"
                            f"options:\n  coordinator_address: '{coordinator}'\n")

        # As a run with --lg-env does.
        source = LabgridSource({"lg_env": str(env_file)})
        board = source.board("g030", 0, {})
        print(f"board: {board.name} ({board.origin}): {board.options}")
        held = client(coordinator, "-p", PLACE, "show").stdout
        if "acquired: None" in held or "acquired:" not in held:
            problems.append(f"the place is not acquired while the run holds it:\n{held}")
        link = SerialLink(board.options["port"], board.options.get("baud", 115200))
        try:
            booter = BooterClient(link)
            info = booter.hello()
            print(f"device over {board.options['port']}: {info}")
            oracle = Oracle(tc.cache)
            cases = discover(CASES_DIR / "ints")
            matched = 0
            started = time.monotonic()
            for case in cases:
                blob = tc.compiler.compile(case.source, case.filename)
                record = booter.run(blob, 10)
                error = last_error_line(record.trace) if record.status == "exception" else ""
                got = observable(record.output.decode("utf-8", "replace"), error)
                want = oracle.expected(case).text
                if record.status in ("ok", "exception") and got == want:
                    matched += 1
                else:
                    problems.append(f"{case.id}: {record.status}, output {got!r}, CPython {want!r}")
            took = time.monotonic() - started
            print(f"cases/ints over RFC 2217: {matched} of {len(cases)} matched CPython in {took:.2f} s")
        finally:
            link.close()
        source.release()
        shown = client(coordinator, "-p", PLACE, "show").stdout
        if "acquired: None" not in shown:
            problems.append(f"the place is still acquired after release:\n{shown}")
        else:
            print("released: the coordinator shows the place idle")

        # Someone else holds the place.
        other = {"LG_USERNAME": "someone-else", "LG_HOSTNAME": "desk-7"}
        client(coordinator, "-p", PLACE, "acquire", env=other)
        try:
            LabgridSource({"lg_env": str(env_file)}).board("g030", 0, {})
            problems.append("a place held by someone else was handed out")
        except InfrastructureError as exc:
            print(f"place held by another: {str(exc).splitlines()[0]}")
        finally:
            client(coordinator, "-p", PLACE, "release", env=other)

        # No coordinator.
        nowhere = f"127.0.0.1:{free_port()}"
        started = time.monotonic()
        try:
            LabgridSource({"lg_env": str(env_file), "lg_coordinator": nowhere}).board("g030", 0, {})
            problems.append("a missing coordinator went unnoticed")
        except HarnessError as exc:
            print(f"no coordinator ({time.monotonic() - started:.1f} s): {str(exc).splitlines()[0]}")
    finally:
        procs.stop()
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print(f"logs: {tmp}")
    print("labgrid e2e: " + ("passed" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
