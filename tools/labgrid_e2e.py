"""End-to-end check of the labgrid board source on one machine, no board needed.

    python tools/labgrid_e2e.py        (from a virtualenv with bytecode-hil[labgrid])

Starts, all on 127.0.0.1: a labgrid coordinator; two QEMUs running the
qemu-m0 booter, each with its UART on a pseudo-terminal (two "boards"),
and esp32-mock-bootloader (an ESP32's ROM bootloader, as esptool sees it)
on a third; a labgrid exporter that exports the three terminals as
RawSerialPorts, which it serves over RFC 2217 through ser2net. It makes one place per port, then,
through ``LabgridSource`` exactly as a run with ``--lg-env`` does: acquires
a place, opens the ``rfc2217://`` URL it gives, runs cases/ints through the
booter protocol and compares each output with CPython's, and releases the
place; runs two worker processes at once, as ``pytest -n 2`` does, which
must take one place each; flashes an image through the ESP32's place with
the esp32 launcher (esptool); and goes through the failure paths: a place
someone else holds, both held, a coordinator that is not there. Prints
what it saw; exits 1 if anything was wrong.

Needs: labgrid (its coordinator, exporter and client commands beside this
Python), esp32-mock-bootloader (a harness dependency), ser2net (Debian:
apt-get install ser2net) and qemu-system-arm.
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
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_esptool import esp_image  # noqa: E402  (the tests' synthetic ESP32 image)

from harness.boardsources.labgrid import LabgridSource  # noqa: E402
from harness.device.link import SerialLink  # noqa: E402
from harness.errors import HarnessError, InfrastructureError  # noqa: E402
from harness.launchers.esptool import EsptoolLauncher  # noqa: E402
from harness.launchers.qemu import QemuLauncher  # noqa: E402
from harness.paths import CASES_DIR  # noqa: E402
from harness.suite.cases import discover  # noqa: E402
from harness.suite.oracle import Oracle, last_error_line, observable  # noqa: E402
from harness.suite.toolchain import Toolchain  # noqa: E402
from harness.targets import load_target  # noqa: E402
from harness.transports.booter import BooterClient  # noqa: E402

BIN = Path(sys.executable).parent
PLACE = "hil-e2e"


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


def run_cases(board, tc, cases) -> list[str]:
    """Run ``cases`` on the board's serial port through the booter protocol;
    the problems found (an output that is not CPython's)."""
    problems = []
    link = SerialLink(board.options["port"], board.options.get("baud", 115200))
    try:
        booter = BooterClient(link)
        info = booter.hello()
        print(f"device over {board.options['port']}: {str(info)[:100]}...")
        oracle = Oracle(tc.cache)
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
        print(f"{len(cases)} cases over RFC 2217: {matched} matched CPython in {time.monotonic() - started:.2f} s")
    finally:
        link.close()
    return problems


def worker(index: int, env_file: str) -> int:
    """One pytest-xdist worker's part: take a board, run a few cases, give it back."""
    tc = Toolchain.prepare("micropython")
    source = LabgridSource({"lg_env": env_file})
    try:
        board = source.board("g030", index, {})
        print(f"worker {index}: took {board.name} ({board.options['port']})")
        problems = run_cases(board, tc, discover(CASES_DIR / "ints")[:5])
    finally:
        source.release()
    print(f"worker {index}: " + ("ok" if not problems else "; ".join(problems)))
    return 1 if problems else 0


def main() -> int:
    if sys.argv[1:2] == ["--worker"]:
        return worker(int(sys.argv[2]), sys.argv[3])
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
        tc = Toolchain.prepare("micropython")
        target = load_target("qemu-m0")
        firmware = tc.profile.build_firmware(target, tc.source, tc.cache).product

        # The "boards": QEMUs with the booter's UART on a pseudo-terminal each.
        ptys = []
        for n in (1, 2):
            qemu_cmd = QemuLauncher(target, firmware, tmp).command("unused")
            qemu_cmd[qemu_cmd.index("-chardev") + 1] = "pty,id=hil"
            qemu = procs.start(f"qemu{n}", qemu_cmd)
            ptys.append(wait_for("QEMU's pseudo-terminal", lambda: (re.findall(
                r"char device redirected to (/dev/pts/\d+)", (tmp / f"qemu{n}.log").read_text()) or [None])[0]))
            print(f"board {n}: QEMU (qemu-m0 booter) pid {qemu.pid}, UART on {ptys[-1]}")
        # An "ESP32": esp32-mock-bootloader, esptool's ROM bootloader on a pseudo-terminal.
        mock = procs.start("esp32", [str(BIN / "esp32-mock-bootloader"), "run", "--pty", "--chip", "esp32"])
        esp_pty = wait_for("the mock ESP32's pseudo-terminal", lambda: (re.findall(
            r"(/dev/pts/\d+)", (tmp / "esp32.log").read_text()) or [None])[0])
        print(f"board 3: esp32-mock-bootloader pid {mock.pid}, on {esp_pty}")

        # The coordinator keeps places.yaml in its working folder: the scratch one.
        procs.start("coordinator", [str(BIN / "labgrid-coordinator"), "-l", coordinator], cwd=tmp)
        wait_for("the coordinator", lambda: client(coordinator, "places").returncode == 0)
        (tmp / "exporter.yaml").write_text("".join(
            f"{group}:\n  RawSerialPort:\n    port: {pty}\n    speed: 115200\n"
            for group, pty in [("hil1", ptys[0]), ("hil2", ptys[1]), ("esp", esp_pty)]))
        procs.start("exporter", [str(BIN / "labgrid-exporter"), "-c", coordinator, "-n", "e2e",
                                 "--hostname", "127.0.0.1", str(tmp / "exporter.yaml")],
                    env={**os.environ, "PATH": f"/usr/sbin:{os.environ.get('PATH', '')}"})
        wait_for("the exporter's serial ports", lambda: client(
            coordinator, "resources").stdout.count("NetworkSerialPort") == 3)
        for place, group, kind in [(f"{PLACE}-1", "hil1", "g030"), (f"{PLACE}-2", "hil2", "g030"),
                                   (f"{PLACE}-esp32", "esp", "esp32")]:
            for args in (["create"], ["add-match", f"e2e/{group}/NetworkSerialPort"], ["set-tags", f"target={kind}"]):
                done = client(coordinator, "-p", place, *args)
                if done.returncode != 0:
                    raise SystemExit(f"labgrid-client {' '.join(args)}: {done.stderr}")
        print(f"coordinator {coordinator}, exporter e2e, places {PLACE}-1 and {PLACE}-2 (tag target=g030), "
              f"{PLACE}-esp32 (tag target=esp32)")

        env_file = tmp / "env.yaml"
        env_file.write_text("targets:\n" + "".join(
            f"  board-{n}:\n    resources:\n      RemotePlace:\n        name: {PLACE}-{n}\n" for n in (1, 2))
            + f"  esp32-1:\n    resources:\n      RemotePlace:\n        name: {PLACE}-esp32\n"
            + f"options:\n  coordinator_address: '{coordinator}'\n")

        # As a run with --lg-env does.
        source = LabgridSource({"lg_env": str(env_file)})
        board = source.board("g030", 0, {})
        print(f"board: {board.name} ({board.origin}): {board.options}")
        held = client(coordinator, "-p", board.name, "show").stdout
        if "acquired: None" in held or "acquired:" not in held:
            problems.append(f"the place is not acquired while the run holds it:\n{held}")
        problems += run_cases(board, tc, discover(CASES_DIR / "ints"))
        source.release()
        shown = client(coordinator, "-p", board.name, "show").stdout
        if "acquired: None" not in shown:
            problems.append(f"the place is still acquired after release:\n{shown}")
        else:
            print("released: the coordinator shows the place idle")

        # Two workers at once, as under pytest -n 2: one place each.
        workers = [subprocess.Popen([sys.executable, __file__, "--worker", str(n), str(env_file)],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                   for n in (0, 1)]
        outputs = [w.communicate(timeout=120)[0] for w in workers]
        taken = []
        for n, (w, out) in enumerate(zip(workers, outputs)):
            lines = [line for line in out.splitlines() if line.startswith("worker")]
            print("\n".join(lines) or f"worker {n}: no answer:\n{out[-2000:]}")
            if w.returncode != 0:
                problems.append(f"worker {n} failed:\n{out[-2000:]}")
            taken += re.findall(r"took (\S+)", out)
        if sorted(taken) != [f"{PLACE}-1", f"{PLACE}-2"]:
            problems.append(f"the two workers took {taken}, not one place each")

        # An ESP32 place: esptool flashes through its rfc2217:// port, as the esp32 launcher does.
        firmware_file = tmp / "esp32-test-image.bin"
        firmware_file.write_bytes(esp_image(1))
        source = LabgridSource({"lg_env": str(env_file)})
        board = source.board("esp32", 0, {"firmware": str(firmware_file)})
        esp_target = load_target("esp32")
        launcher = EsptoolLauncher(esp_target, None, tmp / "logs", {**esp_target.launcher_options, **board.options})
        try:
            launcher.activate()
            report = launcher.report
            print(f"esp32 place {board.name}: image {report.action} at {report.baud} baud in {report.seconds:.1f} s "
                  f"over {board.options['port']}")
            if report.action != "written" or report.problems:
                problems.append(f"esptool through the place: {report}")
        except HarnessError as exc:
            problems.append(f"esptool through the place failed: {exc}")
        finally:
            launcher.deactivate()
            source.release()

        # Someone else holds a place: passed over. Holds both: refused.
        other = {"LG_USERNAME": "someone-else", "LG_HOSTNAME": "desk-7"}
        client(coordinator, "-p", f"{PLACE}-1", "acquire", env=other)
        source = LabgridSource({"lg_env": str(env_file)})
        got = source.board("g030", 0, {}).name
        source.release()
        print(f"{PLACE}-1 held by another: the run took {got}")
        if got != f"{PLACE}-2":
            problems.append(f"with {PLACE}-1 held by another the run took {got}")
        client(coordinator, "-p", f"{PLACE}-2", "acquire", env=other)
        try:
            LabgridSource({"lg_env": str(env_file)}).board("g030", 0, {})
            problems.append("a place held by someone else was handed out")
        except InfrastructureError as exc:
            print(f"both held by another: {str(exc).splitlines()[0]}")
        finally:
            for n in (1, 2):
                client(coordinator, "-p", f"{PLACE}-{n}", "release", env=other)

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
