"""python -m bench [build|footprint|cases|speed|xdist|all]: measure builds, speed and parallel runs.

    build   cold build (empty cache, source archive already downloaded) of
            mpy-cross and the host and host32 runners, then a warm one;
            newlib's libm for the 32-bit runners (LIBM=newlib) on its own
            line, once per cache, counted in the cold total.
            Goals: cold under 90 s on 2 cores, warm under 2 s.
    footprint  firmware size against the budget, and the compiler-kept twin.
    cases   per-case wall time of the suite (verdicts included) on targets.
    speed   per-case time on an emulated target against its floor: the same
            blobs sent back to back in one QEMU session with no host round
            trips. Goals: median at most 1.3x the floor's, under 30 ms.
    push    per-case push time over the UART against the RAM mailbox
            (bench/push.py); not part of all.
    timelimits  a 500+ script corpus with hangs, with limits derived from
            the host reference and with the fixed one (bench/timelimits.py):
            what a hang costs, and cases cut short (goal: 0); not part of all.
    xdist   the suite under pytest on one process, -n 1 and -n 2 (each
            --dist mode), warm cache, alternated: wall times and the
            speed-up. Goal: -n 2 on 2 cores at least 1.7x one process.
            --corpus-scripts N adds a generated corpus (a run long enough
            for xdist's fixed cost to amortise); --link-baud B paces the
            target's link as a real board's UART (a target that waits).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import struct
import sys
import tempfile
import time
import zlib
from pathlib import Path

from harness.errors import HarnessError
from harness.footprint import measure
from harness.newlib import LIBM_VARIABLE, build_libm
from harness.options import parse_targets
from harness.paths import CASES_DIR, cache_dir
from harness.suite.cases import discover, unmet_needs
from harness.suite.session import SuiteRun, TargetSession
from harness.suite.toolchain import Toolchain, Toolchains
from harness.suite.verdict import Verdict
from harness.targets import load_target
from harness.transports import booter as p

from .xdist import bench_xdist

# What each VM's build bench builds: its compiler, then these runners and firmware.
BUILD_TARGETS = {"micropython": ("host", "host32"), "pikascript": ("pika-host", "pika-host32", "qemu-m0-pika")}


def build_all(vm: str, cache: Path) -> tuple[float, list[str]]:
    """Everything of ``vm`` built into ``cache``: its compiler (for
    PikaScript, rust-msc and the glue first), then its BUILD_TARGETS."""
    started = time.monotonic()
    toolchains = Toolchains(cache)
    lines = []
    for name in BUILD_TARGETS[vm]:
        target = load_target(name)
        before = time.monotonic()
        tc = toolchains.for_target(target)
        compiler = tc.compiler_for(target)
        if time.monotonic() - before > 0.05:
            glue = getattr(compiler, "glue", None)
            if glue is not None and glue.ran_make:
                lines.append(f"  {'rust-msc + glue':20} {glue.seconds:6.2f} s")
            lines.append(f"  {tc.profile.compiler_name + ' (' + name + ')':20} {compiler.build.seconds:6.2f} s")
        if target.make.get(LIBM_VARIABLE) == "newlib":
            bits = str(target.make.get("BITS", "64"))
            libm = build_libm(cache, bits)
            if libm.ran_make:
                lines.append(f"  {'newlib libm (' + bits + '-bit)':20} {libm.seconds:6.2f} s")
        result = tc.profile.build_firmware(target, tc.source, cache)
        lines.append(f"  {name:20} {result.seconds:6.2f} s ({'built' if result.ran_make else 'cached'})")
    return time.monotonic() - started, lines


def bench_build(vms: list[str]) -> None:
    """Each VM's cold build (an empty cache but for the source archives: the
    download is not part of the build) and warm build (nothing to do)."""
    home = cache_dir()
    archives = list((home / "src").glob("*.tar.gz"))
    for vm in vms:
        with tempfile.TemporaryDirectory(prefix="hil-bench-") as tmp:
            cache = Path(tmp)
            (cache / "src").mkdir()
            for a in archives:
                shutil.copy(a, cache / "src" / a.name)
            cold, cold_lines = build_all(vm, cache)
            warm, warm_lines = build_all(vm, cache)
        print(f"build of {vm} ({', '.join(BUILD_TARGETS[vm])}, with its compiler), {os.cpu_count()} cores")
        print(f"  cold: {cold:6.2f} s   goal < 90 s   ({cold / 90:.2f} of the goal)")
        print("\n".join(cold_lines))
        print(f"  warm: {warm * 1e3:6.1f} ms goal < 2 s    ({warm / 2:.2f} of the goal)")


def bench_cases(targets: list[str]) -> None:
    cases = discover(CASES_DIR)
    for target in targets:
        with SuiteRun(target) as run:
            for case in cases:  # warm the blob and CPython caches
                run.toolchain.compiler.compile(case.source, case.filename)
            times = []
            started = time.monotonic()
            for case in cases:
                result = run.run_case(case)
                if result.verdict is not Verdict.SKIP:
                    times.append(result.figures.get("case_seconds", 0.0))
            total = time.monotonic() - started
        times.sort()
        print(f"cases on {target}: {len(times)} run of {len(cases)} in {total:.2f} s")
        print(f"  per case: median {statistics.median(times) * 1e3:.2f} ms, "
              f"p90 {times[int(len(times) * 0.9)] * 1e3:.2f} ms, max {times[-1] * 1e3:.2f} ms")


def transfer_frames(blob: bytes, chunk: int, seq: int) -> bytes:
    """Every frame of one blob's transfer, for sending without waiting for ACKs."""
    first = chunk + 4 - p.LOAD_HEADER.size
    out = [p.encode_frame(p.LOAD, seq, p.LOAD_HEADER.pack(len(blob), zlib.crc32(blob), p.LOAD_RUN) + blob[:first])]
    for offset in range(first, len(blob), chunk):
        out.append(p.encode_frame(p.DATA, seq, struct.pack("<I", offset) + blob[offset:offset + chunk]))
    return b"".join(out)


def bench_speed(targets: list[str]) -> None:
    cases = discover(CASES_DIR)
    tc = Toolchain.prepare("micropython")
    for target in targets:
        session = TargetSession(load_target(target), tc, tc.cache / "logs").start()
        info = session.info
        blobs = [tc.compiler.compile(case.source, case.filename) for case in cases
                 if not unmet_needs(case, info.features, info.heap)]
        # Driven one case at a time, as the harness runs a suite.
        per_case = []
        for blob in blobs:
            started = time.perf_counter()
            session.execute(blob, 10)
            per_case.append(time.perf_counter() - started)
        # The floor: every blob sent at once; the device runs them back to back.
        client = session.device.transport.client
        frames = b"".join(transfer_frames(blob, info.chunk, i + 1) for i, blob in enumerate(blobs))
        started = time.perf_counter()
        client.link.write(frames)
        arrivals = []
        deadline = time.monotonic() + 120
        while len(arrivals) < len(blobs):
            frame = client._next_frame(deadline)
            if frame is None:
                raise SystemExit(f"floor run on {target}: only {len(arrivals)} of {len(blobs)} statuses came back")
            if frame.type == p.STATUS:
                arrivals.append(time.perf_counter())
        floor = [b - a for a, b in zip([started] + arrivals, arrivals)]
        session.stop()
        median, floor_median = statistics.median(per_case), statistics.median(floor)
        print(f"speed on {target}: {len(blobs)} blobs, {sum(map(len, blobs))} bytes")
        print(f"  harness, case by case: median {median * 1e3:.2f} ms, total {sum(per_case):.2f} s")
        print(f"  floor, back to back:   median {floor_median * 1e3:.2f} ms, total {arrivals[-1] - started:.2f} s")
        print(f"  ratio of medians: {median / floor_median:.2f}  (goal <= 1.3);  "
              f"median {median * 1e3:.1f} ms (goal < 30 ms)")


def bench_footprint(targets: list[str]) -> None:
    tc = Toolchain.prepare("micropython")
    for name in targets:
        target = load_target(name)
        booter = measure(tc.profile.build_firmware(target, tc.source, tc.cache).product)
        twin = measure(tc.profile.build_firmware(target, tc.source, tc.cache, with_compiler=True,
                                                 make_overrides=tc.profile.compiler_twin_overrides(target)).product)
        saved = twin.flash - booter.flash
        print(f"footprint of {name}: {booter.describe(target.memory)}")
        print(f"  compiler kept: flash {twin.flash}; trimming the parser saves {saved} bytes "
              f"({100 * saved / twin.flash:.1f}%)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("what", nargs="?", default="all",
                        choices=["build", "footprint", "cases", "speed", "push", "output", "stability", "timelimits",
                                 "xdist", "all"])
    parser.add_argument("--target", action="append",
                        help="target(s) to measure, comma-separated or repeated (each bench has its default)")
    parser.add_argument("--vm", action="append", choices=list(BUILD_TARGETS),
                        help="build: the VM whose build to time (default: each)")
    parser.add_argument("--workers", type=int, default=2, help="xdist: workers of the parallel runs (default 2)")
    parser.add_argument("--repeats", type=int, default=2, help="xdist: timed runs of each configuration (default 2)")
    parser.add_argument("--runs", type=int, default=20, help="stability: runs of the suites (default 20)")
    parser.add_argument("--dist", default="load,worksteal",
                        help="xdist: comma-separated --dist modes to time (default load,worksteal)")
    parser.add_argument("--corpus-scripts", type=int, default=0,
                        help="xdist: also run a generated corpus of this many scripts (e.g. 520)")
    parser.add_argument("--link-baud", type=int, default=0,
                        help="xdist: pace the target's link as a UART at this baud rate (e.g. 115200)")
    parser.add_argument("--cases", action="append", default=[],
                        help="xdist: a case folder below the checkout, e.g. cases/ints (default: all of cases)")
    args = parser.parse_args(argv)
    if args.target:   # comma-separated, as the harness's own --target
        try:
            args.target = [t for item in args.target for t in parse_targets(item)]
            for target in args.target:
                load_target(target)
        except HarnessError as e:
            print(f"python -m bench: {e}", file=sys.stderr)
            return 2
    if args.what in ("build", "all"):
        bench_build(args.vm or list(BUILD_TARGETS))
    if args.what in ("footprint", "all"):
        bench_footprint(args.target or ["qemu-m0", "qemu-g030"])
    if args.what in ("cases", "all"):
        bench_cases(args.target or ["host", "host32", "qemu-m0", "qemu-g030"])
    if args.what in ("speed", "all"):
        bench_speed(args.target or ["qemu-m0", "qemu-g030"])
    if args.what == "push":
        from .push import bench_push
        bench_push(args.target or ["qemu-g030"])
    if args.what == "stability":
        from .stability import bench_stability
        bench_stability(args.target or ["qemu-m0", "qemu-g030"], args.runs)
    if args.what == "timelimits":
        from .timelimits import bench_timelimits
        bench_timelimits(args.target or ["qemu-m0"])
    if args.what == "output":
        from .output import bench_output
        bench_output(args.target or ["qemu-m0", "host32-m0"])
    if args.what in ("xdist", "all"):
        for target in args.target or ["qemu-m0"]:
            bench_xdist(target, args.workers, args.repeats, [d for d in args.dist.split(",") if d], args.cases,
                        args.corpus_scripts, args.link_baud)
    return 0


if __name__ == "__main__":
    sys.exit(main())
