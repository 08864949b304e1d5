"""The emulated suites, run again and again beside a CPU hog: do verdicts and cycles ever move?

Each run is the conformance suite on each target, through the runner, with
processes spinning on every core meanwhile. The first run is the reference;
every later run's verdicts and run cycles are compared with it, case by
case. Cycles on QEMU count executed instructions (-icount): any difference
is a finding about the harness, not noise.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
from pathlib import Path

from harness.options import Settings
from harness.paths import CASES_DIR
from harness.suite.cases import discover
from harness.suite.runner import Runner


def _spin(stop) -> None:
    while not stop.is_set():
        pass


def one_run(targets: list[str], cases: list) -> dict[tuple[str, str], tuple[str, int]]:
    with tempfile.TemporaryDirectory(prefix="hil-stability-") as tmp:
        runner = Runner(Settings(target=targets), Path(tmp))
        try:
            for target in targets:
                runner.run_target(target, cases)
        finally:
            runner.close()
    found = {}
    for target in targets:
        for r in runner.records[target]:
            found[(target, r["case"])] = (r["verdict"], r.get("figures", {}).get("run_cycles", 0))
    for b in runner.broken:
        found[(b["target"], b["case"])] = ("infrastructure", 0)
    return found


def bench_stability(targets: list[str], runs: int, hogs: int | None = None) -> None:
    cases = discover(CASES_DIR)
    stop = multiprocessing.Event()
    spinners = [multiprocessing.Process(target=_spin, args=(stop,), daemon=True)
                for _ in range(hogs if hogs is not None else os.cpu_count() or 1)]
    for p in spinners:
        p.start()
    try:
        reference, differences, started = None, 0, time.monotonic()
        for n in range(runs):
            t0 = time.monotonic()
            found = one_run(targets, cases)
            if reference is None:
                reference = found
                moved = []
            else:
                moved = [(key, reference.get(key), value) for key, value in found.items() if reference.get(key) != value]
                moved += [(key, value, None) for key, value in reference.items() if key not in found]
            differences += len(moved)
            print(f"run {n + 1}/{runs}: {len(found)} results in {time.monotonic() - t0:.1f} s, "
                  f"{len(moved)} differ from run 1")
            for key, before, after in moved[:10]:
                print(f"  {key[1]} on {key[0]}: {before} -> {after}")
    finally:
        stop.set()
        for p in spinners:
            p.join()
    print(f"stability: {runs} runs of {', '.join(targets)} beside {len(spinners)} CPU hogs in "
          f"{time.monotonic() - started:.0f} s: {differences} differences in verdicts or cycles")
