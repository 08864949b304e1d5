"""python -m bench xdist: the suite on one process against pytest-xdist workers.

Runs the conformance suite on a target (default qemu-m0) with pytest as a
user would, once to warm the cache (builds, blobs, CPython's outputs), then
timed, alternating: one process (no xdist), ``-n 1`` (xdist's own overhead)
and ``-n N`` for each ``--dist`` mode asked for. Prints the wall times (best
and median), the speed-up of ``-n N`` over one process and over ``-n 1``
against the goal (1.7x for -n 2 on 2 cores), the CPU time of each run's
whole process tree and the speed-up that bounds (no run ends before its CPU
time spread over the cores), the machine's load when it started, and
whether every run reached the same verdicts. Nothing is asserted: the
figures are for reading.

Each run writes its journal, results and reports under a scratch folder, so
the bench never touches the reports/ of the checkout.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from harness.paths import CASES_DIR, cache_dir

REPO = CASES_DIR.parent
GOAL = 1.7  # -n 2 on 2 cores against one worker, the figure


def _pytest_command(scratch: Path, target: str, workers: int | None, dist: str, case_paths: list[str],
                    extra: list[str]) -> list[str]:
    # rootdir is the scratch folder: the plugin writes its reports under
    # <rootdir>/reports, and the cases are reached through a link to cases/.
    cmd = [sys.executable, "-m", "pytest", "-c", str(REPO / "pyproject.toml"), "--rootdir", str(scratch),
           "-q", "-p", "no:cacheprovider", f"--target={target}",
           f"--hil-journal={scratch / 'reports' / 'journal.jsonl'}"]
    if workers is None:
        cmd += ["-p", "no:xdist"]
    else:
        cmd += ["-n", str(workers), "--dist", dist]
    return cmd + extra + [str(scratch / p) for p in case_paths]


def _verdicts(scratch: Path, target: str) -> Counter:
    path = scratch / "reports" / f"results-{target}.jsonl"
    if not path.exists():
        return Counter()
    return Counter(json.loads(line)["verdict"] for line in path.read_text().splitlines() if line.strip())


def _builds() -> dict[Path, int]:
    """When each build in the cache last ran make (its build.log is rewritten each time)."""
    return {log: log.stat().st_mtime_ns for log in (cache_dir() / "build").glob("*/build.log")}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(scratch: Path, target: str, workers: int | None, dist: str,
             case_paths: list[str], extra: list[str] = (), env: dict | None = None) -> tuple[float, float, Counter, int]:
    """Wall time, CPU time of the whole process tree (pytest, its workers,
    QEMU, the host runners), the verdicts and pytest's exit code."""
    shutil.rmtree(scratch / "reports", ignore_errors=True)
    cmd = _pytest_command(scratch, target, workers, dist, case_paths, list(extra))
    before = _builds()
    cpu_before = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=scratch, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    wall = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before  # every descendant is waited for by the time pytest exits
    # Builds made from this checkout (a build log starts with its make command).
    rebuilt = [log.parent.name for log, mtime in _builds().items()
               if before.get(log) != mtime and str(REPO) in log.read_text(errors="replace")[:2000]]
    if rebuilt:
        # A warm run builds nothing; another checkout sharing the cache may
        # have rebuilt a folder since, and this run paid for building it back.
        print(f"  (a run rebuilt {', '.join(rebuilt)}: its time includes the build)")
    # Exit 1 (some cases failed) is a result; anything else means no suite ran.
    if proc.returncode not in (0, 1):
        tail = "\n".join(proc.stdout.splitlines()[-20:])
        raise SystemExit(f"bench xdist: pytest exited {proc.returncode} ({' '.join(cmd)}):\n{tail}")
    return wall, cpu, _verdicts(scratch, target), proc.returncode


def paced_target(scratch: Path, target: str, baud: int) -> str:
    """A copy of ``target``'s file whose link is paced at ``baud``
    (harness/device/pacing.py), found through HIL_TARGETS: the emulated
    board waits on its link as a real one at that rate does."""
    from harness.targets import load_target

    spec = load_target(target)
    name = f"{target}-{baud}"
    folder = scratch / "targets" / name
    folder.mkdir(parents=True)
    text = spec.path.read_text().replace(f'name = "{target}"', f'name = "{name}"', 1)
    (folder / "target.toml").write_text(text + f"\nlink_baud = {baud}\n")
    return name


def bench_xdist(target: str = "qemu-m0", workers: int = 2, repeats: int = 2, dists: list[str] | None = None,
                case_paths: list[str] | None = None, corpus_scripts: int = 0, link_baud: int = 0) -> dict:
    """``corpus_scripts``: a generated corpus of that many scripts runs with
    the cases (bench/timelimits.py writes it, without its hangs);
    ``link_baud``: the target's link paced at that rate."""
    dists = dists or ["load", "worksteal"]
    case_paths = case_paths or ["cases"]
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="hil-bench-xdist-") as tmp:
        scratch = Path(tmp)
        (scratch / "cases").symlink_to(CASES_DIR)
        extra, env = [], None
        if corpus_scripts:
            from .timelimits import write_corpus

            extra.append(f"--corpus={write_corpus(scratch / 'corpus', corpus_scripts, hangs=False)}")
            print(f"  with a corpus of {corpus_scripts} generated scripts besides {', '.join(case_paths)}")
        if link_baud:
            target = paced_target(scratch, target, link_baud)
            env = {**os.environ, "HIL_TARGETS": str(scratch / "targets")}
            print(f"  the link paced at {link_baud} baud (target {target})")
        configs = [("one process", None, "")] + [("-n 1", 1, "load")] + \
                  [(f"-n {workers} --dist {d}", workers, d) for d in dists]
        print(f"xdist on {target}: {os.cpu_count()} cores, load average {load[0]:.2f} at the start; "
              f"{repeats} timed runs of each, warm cache")
        warm, _, reference, _ = run_once(scratch, target, None, "", case_paths, extra, env)
        print(f"  warm-up run (one process): {warm:.2f} s, verdicts {dict(sorted(reference.items()))}")
        walls: dict[str, list[float]] = {label: [] for label, _, _ in configs}
        cpus: dict[str, list[float]] = {label: [] for label, _, _ in configs}
        mismatches = []
        for _ in range(repeats):
            for label, n, dist in configs:  # alternated, so a burst of load hits all alike
                wall, cpu, verdicts, _ = run_once(scratch, target, n, dist, case_paths, extra, env)
                walls[label].append(wall)
                cpus[label].append(cpu)
                if verdicts != reference:
                    mismatches.append(f"{label}: {dict(sorted(verdicts.items()))}")
    # Best of the runs: on a shared machine the least disturbed run is the
    # closest to the cost itself; the median is printed beside it.
    serial_best, serial_median = min(walls["one process"]), statistics.median(walls["one process"])
    one_worker_best = min(walls["-n 1"])
    figures = {"target": target, "load_average": load[0], "walls": walls, "cpu": cpus, "speedups": {}}
    for label, _, _ in configs:
        best, median = min(walls[label]), statistics.median(walls[label])
        cpu = statistics.median(cpus[label])
        line = (f"  {label:24} best {best:6.2f} s, median {median:6.2f} s"
                f"  (runs: {', '.join(f'{w:.2f}' for w in walls[label])}); CPU {cpu:.2f} s, "
                f"{cpu / median:.2f} cores busy")
        if label.startswith(f"-n {workers} "):
            figures["speedups"][label] = serial_best / best
            line += (f"\n  {'':24} speed-up {serial_best / best:.2f}x best to best, "
                     f"{serial_median / median:.2f}x median to median, {one_worker_best / best:.2f}x on -n 1's best "
                     f"(goal >= {GOAL}x for -n 2 on 2 cores)")
        print(line)
    # No run finishes before its CPU time spread over all cores: that bounds
    # the speed-up whatever the scheduling.
    cores = os.cpu_count() or 1
    serial_cpu = statistics.median(cpus["one process"])
    for label, _, _ in configs:
        if label.startswith(f"-n {workers} "):
            floor = statistics.median(cpus[label]) / cores
            figures.setdefault("bounds", {})[label] = serial_median / floor
            print(f"  {label}: {statistics.median(cpus[label]) - serial_cpu:+.2f} s of CPU against one process "
                  f"(a controller, {workers} interpreters and collections, reports sent between processes); "
                  f"on {cores} cores no such run can take under {floor:.2f} s, "
                  f"a speed-up of at most {serial_median / floor:.2f}x on the median one-process run")
    if mismatches:
        print("  verdicts differed from the warm-up run's:\n    " + "\n    ".join(mismatches))
    else:
        print("  every run reached the same verdicts")
    if load[0] > 0.5:
        print(f"  note: the machine was busy (load {load[0]:.2f}); measure on a quiet machine for the figure")
    return figures
