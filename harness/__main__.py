"""Command line: the harness without pytest.

    python -m harness targets
    python -m harness build --target host32,qemu-m0
    python -m harness compile --target qemu-m0 prog.py -o prog.mpy
    python -m harness run --target host32 prog.py [more.py ...]
    python -m harness suite --target host32 [cases/ints ...]
    python -m harness suite --target host32,qemu-m0,qemu-g030 cases/ints
    python -m harness suite --target host32 path/to/tests/basics --corpus-exclude 'float_*'
    python -m harness ab --target qemu-m0,qemu-g030 --a pinned --b ~/src/micropython [cases/floats ...]
    python -m harness matrix [reports/results-host32.jsonl reports/results-qemu-m0.jsonl ...]

Options have the names (and environment variables) pytest's have
(harness/options.py). ``suite`` runs the cases through the same runner as
pytest (harness/suite/runner.py), on each target in turn, and writes what a
pytest run of cases writes (harness/cli_suite.py, docs/reports.md).
Exit status of ``suite``: 2 when a case broke (a target could not come up or
was lost; the run went on), else 1 when a case failed, crashed, timed out or
regressed in speed, else 0; 130 or 143 on Ctrl-C or SIGTERM. ``ab`` runs
two VM sources on the same cases and compares them (harness/cli_ab.py,
docs/ab.md): 1 when a verdict got worse or a case got slower past the
tolerance. Every command exits 2 with a one-line error on bad input.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from .errors import ConfigError, HarnessError
from .footprint import measure
from .options import AB, BUILD, OPTIONS, RUN, SUITE, Settings
from .procs import Terminated, terminate_as_interrupt
from .reports.matrix import write_matrix
from .suite.toolchain import Toolchains
from .targets import Target, available_targets, load_target


def _add_options(parser: argparse.ArgumentParser, command: str) -> None:
    """The options of the table that ``command`` takes, named as under pytest."""
    for option in OPTIONS:
        if command not in option.commands:
            continue
        text = option.help + (f" [env {option.env}]" if option.env else "")
        if option.switch:
            parser.add_argument(option.flag, action="store_true", default=None, help=text)
        elif option.flag == "--target":   # --target a,b and --target a --target b alike
            parser.add_argument(option.flag, action="append", help=text)
        else:
            parser.add_argument(option.flag, help=text)


def settings_of(args: argparse.Namespace) -> Settings:
    def given(option):
        value = getattr(args, option.dest, None)
        return ",".join(value) if isinstance(value, list) else value
    return Settings.read(given)


def _targets(settings: Settings) -> list[Target]:
    return [load_target(name) for name in settings.target]


def cmd_targets(args) -> int:
    names = available_targets()
    width = max(map(len, names), default=0)
    for name in names:
        t = load_target(name)
        ref = f" (reference: {t.reference})" if t.reference else ""
        print(f"{name:{width}} {t.description}{ref}")
    return 0


def cmd_build(args) -> int:
    settings = settings_of(args)
    toolchains = Toolchains(settings.cache(), settings.vm_src)
    for target in _targets(settings):
        if target.firmware == "user":
            print(f"{target.name:14} runs firmware you provide (--firmware): nothing to build")
            continue
        tc = toolchains.for_target(target)
        compiler = tc.compiler_for(target).build
        print(f"{target.name:14} {tc.describe()} at {tc.source.root}")
        print(f"{'':14} compiler {compiler.product} ({'built' if compiler.ran_make else 'cached'}, "
              f"{compiler.seconds:.2f} s)")
        result = tc.profile.build_firmware(target, tc.source, tc.cache)
        print(f"{'':14} firmware {result.product} ({'built' if result.ran_make else 'cached'}, "
              f"{result.seconds:.2f} s)")
    return 0


def cmd_footprint(args) -> int:
    settings = settings_of(args)
    toolchains = Toolchains(settings.cache(), settings.vm_src)
    for target in _targets(settings):
        name = target.name
        if target.firmware == "user":
            print(f"{name}: runs firmware you provide: no footprint to measure")
            continue
        tc = toolchains.for_target(target)
        booter = tc.profile.build_firmware(target, tc.source, tc.cache)
        fp = measure(booter.product)
        print(f"{name}: {fp.describe(target.memory)}")
        twin = tc.profile.build_firmware(target, tc.source, tc.cache, with_compiler=True,
                                         make_overrides=tc.profile.compiler_twin_overrides(target))
        twin_fp = measure(twin.product)
        saved = twin_fp.flash - fp.flash
        print(f"  with {tc.profile.title}'s compiler kept: text {twin_fp.text}, data {twin_fp.data}; "
              f"trimming the parser saves {saved} bytes of flash ({100 * saved / twin_fp.flash:.1f}%)")
        # The twin is built with room to link: whether it would fit is the point.
        for problem in twin_fp.check(name, target.memory):
            print(f"  with the compiler kept it would not fit: {problem}")
        for problem in fp.check(name, target.memory):
            print(f"  DOES NOT FIT: {problem}")
    return 0


def _read_program(name: str) -> bytes:
    path = Path(name)
    if path.is_dir():
        raise ConfigError(f"{name} is a folder, not a program", "name a .py file (python -m harness suite runs "
                          "a folder of them)")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {name}: {exc.strerror}") from None


def cmd_compile(args) -> int:
    settings = settings_of(args)
    target = _targets(settings)[0]
    tc = Toolchains(settings.cache(), settings.vm_src).for_target(target)
    from .vms.base import CompileError

    src = Path(args.file)
    try:
        blob = tc.compile(target, _read_program(args.file), src.name)
    except CompileError as exc:
        print(f"{tc.profile.compiler_name} rejected {src}:\n{exc}", file=sys.stderr)
        return 1
    out = Path(args.output or src.with_suffix(tc.profile.blob_suffix))
    out.write_bytes(blob)
    print(f"{out}: {len(blob)} bytes ({tc.profile.title}, for {target.name})")
    return 0


def cmd_run(args) -> int:
    from .suite.session import TargetSession
    from .vms.base import CompileError

    settings = settings_of(args)
    target = _targets(settings)[0]
    tc = Toolchains(settings.cache(), settings.vm_src).for_target(target)
    programs = [(name, _read_program(name)) for name in args.files]
    board = None
    if target.needs_board:
        from .boardsources import open_source

        args.board_source = open_source(settings.board_settings)
        board = args.board_source.board(target.name, 0, settings.board_overrides)
    session = TargetSession(target, tc, tc.cache / "logs", board, settings.signing_key, settings.push).start()
    worst = 0
    try:
        print(f"# {session.info}", file=sys.stderr)
        for name, data in programs:
            path = Path(name)
            try:
                blob = data if path.suffix == tc.profile.blob_suffix else tc.compile(target, data, path.name)
            except CompileError as exc:
                print(f"# {name}: {tc.profile.compiler_name} rejected it:\n{exc}", file=sys.stderr)
                worst = 1
                continue
            run = session.execute(blob, settings.case_timeout or target.timeout)
            r = run.record
            if r is not None:
                sys.stdout.write(r.output.decode("utf-8", "replace"))
                sys.stdout.flush()
                sys.stderr.write(r.trace)
                print(f"# {name}: {r.status}, run {r.run_seconds * 1e3:.3f} ms ({r.run_cycles} cycles), "
                      f"heap used {r.heap_used} peak {r.heap_peak}"
                      + (f", pushed over the {'mailbox' if r.extra.get('push') == 'mailbox' else 'UART'} in "
                         f"{r.extra['push_seconds'] * 1e3:.1f} ms" if "push_seconds" in r.extra else "")
                      + (f", fault at {r.fault_pc:#x}" if r.status == "fault" else ""), file=sys.stderr)
                worst = max(worst, 0 if r.status == "ok" else 1)
            else:
                print(f"# {name}: {run.kind}: {run.detail}", file=sys.stderr)
                worst = 1
    finally:
        session.stop()
    return worst


def cmd_suite(args) -> int:
    from .cli_suite import run_suite

    return run_suite(settings_of(args), args.paths, verbose=args.verbose)


def cmd_ab(args) -> int:
    from .cli_ab import run_ab

    settings = settings_of(args)
    return run_ab(settings, args.paths, settings.a, settings.b, verbose=args.verbose)


def cmd_matrix(args) -> int:
    from .reports.matrix import load_results

    paths = [Path(p) for p in args.results] or sorted(Path("reports").glob("results-*.jsonl"))
    if not paths:
        raise HarnessError("no results files given, and none in reports/",
                           "run the suite first, e.g. pytest --target=host32,qemu-m0")
    records, targets = load_results(paths)
    for path in write_matrix(records, targets, Path(args.output)):
        print(path)
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m harness", description="bytecode-hil without pytest")
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("targets", help="list the targets")
    p.set_defaults(func=cmd_targets, kind=None)
    p = sub.add_parser("build", help="fetch the VM source, build its compiler and the targets' firmware")
    p.set_defaults(func=cmd_build, kind=BUILD)
    p = sub.add_parser("footprint", help="firmware size against the target's budget, and what trimming "
                                         "the VM's compiler saves")
    p.set_defaults(func=cmd_footprint, kind=BUILD)
    p = sub.add_parser("compile", help="compile a .py file to a blob for the target's VM")
    p.add_argument("file")
    p.add_argument("-o", "--output", help="the blob's file (default: the program's name with the VM's suffix)")
    p.set_defaults(func=cmd_compile, kind=BUILD)
    p = sub.add_parser("run", help="run programs (or blobs) on a target and show their output and figures")
    p.add_argument("files", nargs="+", help=".py files, or blobs compiled for the target's VM")
    p.set_defaults(func=cmd_run, kind=RUN)
    p = sub.add_parser("suite", help="run conformance cases on targets, one after another, and print verdicts")
    p.add_argument("-v", "--verbose", action="store_true", help="print every verdict, passes too")
    p.add_argument("paths", nargs="*", help="case files or folders (default: cases/); a folder outside "
                   "cases/ is a corpus of plain scripts (docs/corpus.md)")
    p.set_defaults(func=cmd_suite, kind=SUITE)
    p = sub.add_parser("ab", help="an A/B of two VM sources: every case on both, what changed (docs/ab.md)")
    p.add_argument("-v", "--verbose", action="store_true", help="print every case's comparison, unchanged ones too")
    p.add_argument("paths", nargs="*", help="case files or folders (default: cases/); a folder outside cases/ is "
                   "a corpus of plain scripts (docs/corpus.md)")
    p.set_defaults(func=cmd_ab, kind=AB)
    p = sub.add_parser("matrix", help="the differential matrix (case x target) from results files")
    p.add_argument("results", nargs="*", help="results-<target>.jsonl files (default: reports/results-*.jsonl)")
    p.add_argument("-o", "--output", default="reports", help="folder for matrix.md, .csv and .svg")
    p.set_defaults(func=cmd_matrix, kind=None)
    for name, p in sub.choices.items():
        if p.get_default("kind"):
            _add_options(p, p.get_default("kind"))
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.board_source = None
    previous = terminate_as_interrupt()
    try:
        return args.func(args)
    except HarnessError as exc:
        print(f"bytecode-hil: error: {exc}", file=sys.stderr)
        return 2
    except Terminated as exc:
        print(f"bytecode-hil: terminated by signal {exc.signum}", file=sys.stderr)
        return 128 + exc.signum
    except KeyboardInterrupt:
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if args.board_source is not None:
            args.board_source.release()


if __name__ == "__main__":
    sys.exit(main())
