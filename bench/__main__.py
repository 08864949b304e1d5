"""python -m bench [build|cases|all]: measure builds and per-case speed.

    build   cold build (empty cache, source archive already downloaded) of
            mpy-cross and the host and host32 runners, then a warm one.
            Goals: cold under 90 s on 2 cores, warm under 2 s.
    cases   per-case wall time of the suite on the host targets.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness.cases import discover
from harness.paths import CASES_DIR, cache_dir
from harness.session import SuiteRun, Toolchain
from harness.targets import load_target
from harness.verdict import Verdict

BUILD_TARGETS = ("host", "host32")


def build_all(cache: Path) -> tuple[float, list[str]]:
    started = time.monotonic()
    tc = Toolchain.prepare(cache=cache)
    lines = [f"  mpy-cross        {tc.compiler_build.seconds:6.2f} s"]
    for name in BUILD_TARGETS:
        result = tc.profile.build_firmware(load_target(name), tc.source, cache)
        lines.append(f"  {name:16} {result.seconds:6.2f} s ({'built' if result.ran_make else 'cached'})")
    return time.monotonic() - started, lines


def bench_build() -> None:
    home = cache_dir()
    archives = list((home / "src").glob("*.tar.gz"))
    with tempfile.TemporaryDirectory(prefix="hil-bench-") as tmp:
        cache = Path(tmp)
        (cache / "src").mkdir()
        for a in archives:  # the download is not part of the build
            shutil.copy(a, cache / "src" / a.name)
        cold, cold_lines = build_all(cache)
        warm, warm_lines = build_all(cache)
    print("build (mpy-cross + host + host32 runners)")
    print(f"  cold: {cold:6.2f} s   goal < 90 s   ({cold / 90:.2f} of the goal)")
    print("\n".join(cold_lines))
    print(f"  warm: {warm * 1e3:6.1f} ms goal < 2 s    ({warm / 2:.2f} of the goal)")
    print("\n".join(warm_lines))


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("what", nargs="?", default="all", choices=["build", "cases", "all"])
    parser.add_argument("--target", action="append", help="targets for the cases bench (default host, host32)")
    args = parser.parse_args(argv)
    if args.what in ("build", "all"):
        bench_build()
    if args.what in ("cases", "all"):
        bench_cases(args.target or ["host", "host32"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
