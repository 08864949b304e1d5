"""python -m bench.fuzz: see bench/fuzz/__init__.py."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from harness.errors import HarnessError
from harness.paths import CASES_DIR, REPO_ROOT
from harness.suite.corpus import find_helpers
from harness.suite.toolchain import Toolchain
from harness.targets import load_target
from harness.vms.base import CompileError

from . import __doc__ as USAGE
from .campaign import Finding, Fuzzer, ModeStats
from .findings import DEFAULT_TARGET, SUFFIX, findings_dir, store
from .runner import RunnerError

TARGET = DEFAULT_TARGET
# Seeds written for a runner at a minimal syntax level (INFO syntax=minimal:
# PikaScript's Booter configuration), whose compiler takes few of cases/.
MINIMAL_SEEDS = Path(__file__).parent / "seeds" / "minimal"


def prepare(target: str = TARGET) -> Toolchain:
    """The toolchain of the fuzz target's VM, at the pin the target names."""
    spec = load_target(target)
    return Toolchain.prepare(spec.vm, pin=spec.pin, target=spec)


def build_runner(tc: Toolchain, target: str = TARGET) -> Path:
    return tc.profile.build_firmware(load_target(target), tc.source, tc.cache).product


def seed_corpus(tc: Toolchain, root: Path = CASES_DIR, target: str = TARGET,
                libraries: bool = False) -> list[tuple[str, bytes]]:
    """Every program under ``root`` compiled as the harness compiles it
    (cached by the compiler's cache; with the helper modules it imports from
    its folder, as one blob); with ``libraries``, also every fourth program
    packed with the next one as a helper module (a library blob,
    PikaScript's .py.a). A program the target's compiler refuses is left out."""
    spec = load_target(target)
    compiler = tc.compiler_for(spec)
    corpus, sources = [], []
    prefix = _in_repo(root)
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        helpers = [(rel, Path(source).read_bytes()) for rel, source in find_helpers(path)]
        try:
            corpus.append((f"{prefix}/{name}", tc.profile.compile(compiler, path.read_bytes(), name, helpers)
                           if helpers else compiler.compile(path.read_bytes(), name)))
            sources.append((name, path.read_bytes()))
        except CompileError:
            continue  # a case that tests a compile error (or that its compiler cannot take) has no blob
    if libraries:
        for (name, source), (_, helper) in list(zip(sources, sources[1:]))[::4]:
            try:
                corpus.append((f"{prefix}/{name}+helper", tc.profile.compile(compiler, source, name,
                                                                              [("helper.py", helper)])))
            except CompileError:
                continue
    return corpus


def seed_roots(minimal: bool) -> list[Path]:
    """Where a run's seeds come from: cases/, and for a runner at a minimal
    syntax level (``minimal``) the programs written for one."""
    return [CASES_DIR, MINIMAL_SEEDS] if minimal else [CASES_DIR]


def fuzz_corpus(tc: Toolchain, target: str, roots: list[Path]) -> list[tuple[str, bytes]]:
    libraries = tc.profile.name == "pikascript"
    return [seed for root in roots for seed in seed_corpus(tc, root, target, libraries=libraries)]


def describe_outcomes(stats: ModeStats) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(stats.outcomes.items(), key=lambda kv: -kv[1]))


def finding_meta(finding: Finding, fuzzer: Fuzzer, argv: list[str], original: int) -> dict:
    crash = finding.crash
    return {
        "kind": crash.kind,
        "first_line": crash.first_line,
        "top_frame": str(crash.top) if crash.top else "",
        "stack": [str(f) for f in crash.frames[:8]],
        "found": {"seed": fuzzer.seed, "mode": finding.mode, "execution": finding.execution,
                  "how": finding.how, "from": finding.origin, "hits_in_run": finding.hits,
                  "command": "python -m bench.fuzz " + " ".join(argv)},
        "original_size": original,
        "minimised": {"tests": finding.minimise_tests, "one_minimal": finding.minimise_complete},
        "runner": {"target": fuzzer.target, "pin": fuzzer.pin, "config": fuzzer.info.get("config"), "vm": fuzzer.info.get("vm"),
                   "version": fuzzer.info.get("version"), "build": fuzzer.info.build_id},
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz", description=USAGE,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--execs", type=int, help="blob executions (default 100000 for each blob kind: "
                                                   "PikaScript's .py.o and .py.a take turns, 200000 in all)")
    parser.add_argument("--frame-execs", type=int, help="frame bursts (default execs / 5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=0.3, help="per-execution limit, seconds (default 0.3)")
    parser.add_argument("--mode", choices=["both", "blobs", "frames"], default="both")
    parser.add_argument("--lanes", type=int, default=2, help="runners busy at once in blob mode (default 2)")
    parser.add_argument("--target", default=TARGET,
                        help=f"the sanitizer runner to fuzz (default {TARGET}, MicroPython's; pika-host-asan, "
                             "pika-host-asan-g030: PikaScript 1.14's and 1.8.6's .py.o and .py.a); its VM and pin "
                             "come from its target file")
    parser.add_argument("--findings", type=Path, help="where minimised findings go (default "
                                                      "tests/fuzz/findings, or its folder named after the target)")
    parser.add_argument("--no-store", action="store_true", help="report findings, store nothing")
    parser.add_argument("--no-minimise", action="store_true")
    parser.add_argument("--minimise-tests", type=int, default=1500, help="per finding (default 1500)")
    parser.add_argument("--minimise-seconds", type=float, default=20.0, help="per finding (default 20)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    log = (lambda message: None) if args.quiet else (lambda message: print(message, file=sys.stderr, flush=True))

    args.findings = args.findings or findings_dir(args.target)
    try:
        tc = prepare(args.target)
        firmware = build_runner(tc, args.target)
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="hil-fuzz-"))
    try:
        # The runner first: it says which blob format it loads (an unknown
        # one stops here) and at which syntax level, before seeds are compiled.
        try:
            fuzzer = Fuzzer(firmware, workdir, args.seed, args.timeout, log, lanes=max(1, args.lanes))
            fuzzer.target, fuzzer.pin = args.target, load_target(args.target).pin or tc.profile.default_pin
        except RunnerError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        try:
            try:
                args.seed_roots = seed_roots(fuzzer.info.get("syntax") == "minimal")
                corpus = fuzz_corpus(tc, args.target, args.seed_roots)
            except HarnessError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            if args.execs is None:
                args.execs = 100_000 * fuzzer.format.kinds
            frame_execs = args.frame_execs if args.frame_execs is not None else args.execs // 5
            return report(fuzzer, corpus, args, frame_execs, argv, log)
        finally:
            fuzzer.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def report(fuzzer: Fuzzer, corpus, args, frame_execs: int, argv: list[str], log) -> int:
    info = fuzzer.info
    print(f"fuzz: {args.target} runner (config {info.get('config')}, ASan+UBSan, {info.get('vm')} "
          f"{info.get('version')}), seed {args.seed}, timeout {args.timeout:g} s")
    started = time.monotonic()
    kept = fuzzer.calibrate(corpus)
    print(f"blob format: {fuzzer.format.name}")
    dropped = ", ".join(f"{count} {why}" for why, count in sorted(fuzzer.dropped.items()))
    print(f"corpus: {len(corpus)} blobs compiled from {', '.join(_in_repo(r) + '/' for r in args.seed_roots)}; {len(kept)} kept as seeds"
          f"{f' ({dropped})' if dropped else ''}, {len(fuzzer.findings)} distinct crashes as compiled, "
          f"{time.monotonic() - started:.1f} s")
    all_stats = []
    if args.mode in ("both", "blobs") and args.execs:
        log(f"blobs: {args.execs} executions")
        all_stats.append(fuzzer.fuzz_blobs(kept, args.execs))
    if args.mode in ("both", "frames") and frame_execs:
        log(f"frames: {frame_execs} bursts")
        all_stats.append(fuzzer.fuzz_frames(kept, frame_execs))
    for stats in all_stats:
        unit = "executions" if stats.mode == "blobs" else f"bursts ({stats.frames} frames)"
        print(f"{stats.mode}: {stats.execs} {unit} in {stats.seconds:.1f} s: {stats.rate:.0f} exec/s")
        print(f"  outcomes: {describe_outcomes(stats)}")
        print(f"  timeouts: {stats.timeouts}; crashes: {stats.crashes}; input digest {stats.digest[:16]}")
        if len(stats.kinds) > 1:
            print(f"  by blob kind: {', '.join(f'{k} {v}' for k, v in sorted(stats.kinds.items()))}")
        if stats.skipped:
            print(f"  not run: {stats.skipped} mutants that the .mpy model says reach a known loader crash "
                  f"({', '.join(f'{k} {v}' for k, v in sorted(stats.predicted.items()))} predicted, "
                  f"the first few of each run)")
    findings = sorted(fuzzer.findings.values(), key=lambda f: (-f.hits, f.key))
    plan = storage_plan(findings)
    phases = Counter(f.crash.phase for f in findings)
    print(f"distinct crashes: {len(findings)} ({phases['load']} while loading, {phases['run']} while running "
          f"the loaded bytecode, {phases['unknown']} that the stack cannot place)")
    for finding in findings:
        where = "as compiled" if finding.execution == 0 else f"{finding.mode} #{finding.execution}"
        print(f"  {finding.key}  ({finding.hits} hits; {finding.crash.phase}; first {where}, {finding.how}"
              f"{', from ' + finding.origin if finding.origin else ''})")
        print(f"    {finding.crash.first_line}")
        if finding.crash.top:
            print(f"    at {finding.crash.top}")
        if args.no_minimise:
            continue
        if plan[finding.key]:
            print(f"    not stored: {plan[finding.key]}")
            continue
        suffix = fuzzer.format.suffix(finding.data) if finding.mode == "blobs" else SUFFIX[finding.mode]
        stored = args.findings / f"{finding.key}{suffix}"
        if not args.no_store and stored.exists():
            # Found before and kept minimised: no need to shrink it again.
            print(f"    already stored: {_rel(stored)} ({stored.stat().st_size} bytes)")
            continue
        original = len(finding.data)
        began = time.monotonic()
        fuzzer.minimise(finding, args.minimise_tests, args.minimise_seconds)
        if not finding.reproduced:
            print("    did not reproduce on a fresh runner: not stored")
            continue
        data = finding.minimised or finding.data
        print(f"    minimised {original} -> {len(data)} bytes ({finding.minimise_tests} tests, "
              f"{time.monotonic() - began:.1f} s{'' if finding.minimise_complete else ', budget ran out'})")
        if not args.no_store:
            path, written = store(args.findings, finding.key, finding.mode, data,
                                  finding_meta(finding, fuzzer, argv, original),
                                  fuzzer.format.suffix(data) if finding.mode == "blobs" else "")
            print(f"    {'stored' if written else 'already stored (as small or smaller)'}: {_rel(path)}")
    return 0


def storage_plan(findings: list[Finding]) -> dict[str, str]:
    """Which findings get a regression test: key -> "" to store it, or why not.

    Every one found while loading (each is a different place where the
    loader trusts its input), every seed that crashes as compiled (a bug in
    running a valid program), and of those found while running mutated
    bytecode one per error kind: they all come from the VM running bytecode
    it never checked, and which runtime function the garbage reaches first
    adds nothing. ``findings`` come most hits first: the most common example
    of a kind represents it."""
    plan = {f.key: "" for f in findings if f.crash.phase == "load" or f.execution == 0}
    # Crashes while running mutated bytecode, or that the stack cannot place
    # (a wild jump, a smashed stack: also the VM running garbage).
    representative: dict[str, str] = {}
    for finding in findings:
        if finding.key in plan:
            continue
        kind = finding.crash.kind
        if kind in representative:
            plan[finding.key] = (f"a crash while running unchecked bytecode ({finding.crash.phase} phase); "
                                 f"{kind} is represented by {representative[kind]}")
        else:
            representative[kind] = finding.key
            plan[finding.key] = ""
    return plan


def _in_repo(path: Path) -> str:
    """A folder named from the repository's root (cases, bench/fuzz/seeds/minimal)."""
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
