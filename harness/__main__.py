"""Command line: the harness without pytest.

    python -m harness targets
    python -m harness build --target host32 [--target qemu-m0]
    python -m harness compile prog.py -o prog.mpy
    python -m harness run --target host32 prog.py [more.py ...]
    python -m harness suite --target host32 [cases/ints ...]
    python -m harness suite --target host32,qemu-m0,qemu-g030 cases/ints
    python -m harness matrix [reports/results-host32.jsonl reports/results-qemu-m0.jsonl ...]
    python -m harness suite --target host32 path/to/tests/basics --exclude 'float_*'

``suite`` runs the cases on each target in turn and writes what a pytest
run of cases writes, below the current folder (docs/reports.md): Allure
results and JUnit XML (reports/allure-results, reports/junit.xml), the
results files and timing reports of each target (reports/results-<target>.jsonl,
reports/timing-<target>.*) and, with several targets, the differential
matrix (reports/matrix.*). Exit status: 2 for a harness error (a target
that could not come up or was lost: the other targets still ran), else 1
when a case failed, crashed, timed out or regressed in speed on a target,
else 0; 130 or 143 on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from .allure_results import RESULTS_FOLDER, AllureResults, case_parts, reports_off, results_line
from .cases import discover, load_case
from .corpus import Corpus, load_corpus_case, split_patterns
from .errors import ConfigError, HarnessError
from .footprint import measure
from .junit import JUNIT_FILE, JUnitXml
from .matrix import INFRASTRUCTURE, write_matrix
from .procs import Terminated, terminate_as_interrupt
from .boardsources import open_source
from .paths import CASES_DIR, REPORTS_DIR, cache_dir, overlaps
from .session import SuiteRun, TargetSession, Toolchain
from .summary import finish_target, results_path
from .targets import available_targets, load_target
from .verdict import FAILING, Verdict, result_record


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hil-cache", help="cache folder (default: $HIL_CACHE or the XDG cache)")
    parser.add_argument("--vm-src", help="a MicroPython checkout to build instead of the pinned source")


def _board_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--inventory", help="board inventory file (default ./boards.toml, ~/.config/bytecode-hil/boards.toml)")
    parser.add_argument("--board", help="the inventory board to use")
    parser.add_argument("--lg-env", default=os.environ.get("LG_ENV"),
                        help="labgrid environment file: the board comes from its RemotePlace [env LG_ENV]")
    parser.add_argument("--lg-coordinator", help="labgrid coordinator HOST:PORT (default: the file's, $LG_COORDINATOR)")
    parser.add_argument("--signing-key", help="blob-signing key file: keyed firmware, signed blobs")
    parser.add_argument("--push", choices=("uart", "swd"), default=os.environ.get("HIL_PUSH") or None,
                        help="how blobs reach a booter: over the UART, or over SWD into its RAM mailbox "
                             "(default: $HIL_PUSH, else as the target file says)")
    for key, text in (("probe", "debug probe unique ID"), ("port", "serial port (pyserial URL)"),
                      ("firmware", "firmware image for targets that run yours"), ("pack", "CMSIS pack (pyOCD)")):
        parser.add_argument(f"--{key}", help=text)


def _board(args, target_name: str):
    """The target's board, or None for a target without one; a source that
    holds it (a labgrid place) is kept in ``args.board_source`` for release."""
    if not load_target(target_name).needs_board:
        return None
    if args.board_source is None:   # one source for the run's targets, released at the end
        args.board_source = open_source({"inventory": args.inventory, "board": args.board,
                                         "lg_env": args.lg_env, "lg_coordinator": args.lg_coordinator})
    overrides = {k: getattr(args, k) for k in ("probe", "port", "firmware", "pack")}
    return args.board_source.board(target_name, 0, overrides)


def _toolchain(args) -> Toolchain:
    return Toolchain.prepare(cache=cache_dir(args.hil_cache), vm_src=args.vm_src)


def cmd_targets(args) -> int:
    for name in available_targets():
        t = load_target(name)
        ref = f" (reference: {t.reference})" if t.reference else ""
        print(f"{name:12} {t.description}{ref}")
    return 0


def cmd_build(args) -> int:
    tc = _toolchain(args)
    print(f"source   {tc.source.origin} ({tc.source.short()}) at {tc.source.root}")
    cb = tc.compiler_build
    print(f"compiler {cb.product} ({'built' if cb.ran_make else 'cached'}, {cb.seconds:.2f} s)")
    for name in args.target or []:
        target = load_target(name)
        if target.firmware == "user":
            print(f"{name:8} runs firmware you provide (--firmware): nothing to build")
            continue
        result = tc.profile.build_firmware(target, tc.source, tc.cache)
        print(f"{name:8} {result.product} ({'built' if result.ran_make else 'cached'}, {result.seconds:.2f} s)")
    return 0


def cmd_footprint(args) -> int:
    tc = _toolchain(args)
    for name in args.target:
        target = load_target(name)
        if target.firmware == "user":
            print(f"{name}: runs firmware you provide: no footprint to measure")
            continue
        booter = tc.profile.build_firmware(target, tc.source, tc.cache)
        fp = measure(booter.product)
        print(f"{name}: {fp.describe(target.memory)}")
        twin = tc.profile.build_firmware(target, tc.source, tc.cache, with_compiler=True,
                                         make_overrides=tc.profile.compiler_twin_overrides(target))
        twin_fp = measure(twin.product)
        saved = twin_fp.flash - fp.flash
        print(f"  with the compiler kept: text {twin_fp.text}, data {twin_fp.data}; "
              f"trimming the parser saves {saved} bytes of flash ({100 * saved / twin_fp.flash:.1f}%)")
        for problem in fp.check(name, target.memory):
            print(f"  DOES NOT FIT: {problem}")
    return 0



def cmd_compile(args) -> int:
    tc = _toolchain(args)
    src = Path(args.file)
    blob = tc.compiler.compile(src.read_bytes(), src.name)
    out = Path(args.output or src.with_suffix(".mpy"))
    out.write_bytes(blob)
    print(f"{out}: {len(blob)} bytes")
    return 0


def cmd_run(args) -> int:
    tc = _toolchain(args)
    session = TargetSession(load_target(args.target), tc, tc.cache / "logs", _board(args, args.target),
                            args.signing_key, args.push).start()
    worst = 0
    try:
        print(f"# {session.info}", file=sys.stderr)
        for name in args.files:
            path = Path(name)
            blob = path.read_bytes() if path.suffix == ".mpy" else tc.compiler.compile(path.read_bytes(), path.name)
            run = session.execute(blob, args.timeout or session.target.timeout)
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


def _suite_cases(args) -> tuple[list, list[Path]]:
    """Cases of ours (below cases/), or the scripts of corpora (any other
    folder); and the corpora's roots."""
    include, exclude = split_patterns(args.include), split_patterns(args.exclude)
    cases, corpora = [], []
    for p in [Path(p) for p in (args.paths or [CASES_DIR])]:
        if not p.exists():
            raise ConfigError(f"{p} does not exist")
        if CASES_DIR in p.resolve().parents or p.resolve() == CASES_DIR:
            cases += [load_case(p, CASES_DIR)] if p.is_file() else [load_case(c.path, CASES_DIR) for c in discover(p)]
            continue
        corpus = Corpus.open(p.parent if p.is_file() else p, include, exclude)
        corpora.append(corpus.root)
        cases += [load_corpus_case(p, corpus.root, corpus.side)] if p.is_file() else corpus.cases()
    return cases, corpora


def _overlapping(folder: Path, corpora: list[Path]) -> Path | None:
    """The corpus ``folder`` is in (or holds): writing or emptying it would touch the corpus."""
    return next((c for c in corpora if overlaps(folder, c)), None)


def _reports_folder(corpora: list[Path]) -> tuple[Path, str]:
    """The run's reports/ folder: below the current folder, else (run from
    inside a corpus) the project's, and why there. Never a corpus's: the
    results files and timing reports are written, --no-reports or not."""
    path = Path.cwd().resolve() / "reports"
    corpus = _overlapping(path, corpora)
    if corpus is None:
        return path, ""
    # Run from inside a corpus: its files stay as they were, the reports go
    # to the project's reports/, where make report looks for them.
    if _overlapping(REPORTS_DIR, corpora):
        raise ConfigError(f"the reports would go into the corpus {corpus}, whose files a run leaves untouched",
                          "run it from a folder outside the corpus")
    return REPORTS_DIR, f"not below the current folder: it is inside the corpus {corpus}, whose files stay untouched"


def _report_path(given: str | None, option: str, default: str, corpora: list[Path]) -> tuple[Path, str]:
    """Where one of the run's reports goes: ``given`` (the value of ``option``),
    else ``default`` in the run's reports/ folder (``_reports_folder``); and
    why there when it is not where the user asked or would look. Never into a corpus."""
    if given:
        path = Path(given).expanduser().resolve()
        corpus = _overlapping(path, corpora)
        if corpus:
            raise ConfigError(f"{option} {given} is inside the corpus {corpus} (or holds it), whose "
                              "files a run leaves untouched", "choose a place outside it, or pass --no-reports")
        return path, ""
    folder, why = _reports_folder(corpora)
    return folder / default, why


def _suite_targets(value: str | None) -> list[str]:
    """The targets of ``--target=a,b,c`` (or $HIL_TARGET), in order, each
    named once; a misspelt one stops the run here, before anything runs."""
    names = list(dict.fromkeys(t.strip() for t in (value or "").split(",") if t.strip()))
    if not names:
        raise ConfigError("no target given", "pass --target=NAME[,NAME...] or set HIL_TARGET "
                          "(python -m harness targets lists them)")
    for name in names:
        load_target(name)
    return names


class _Run:
    """What a run of cases on its targets leaves, target by target: the
    results records (as the pytest plugin gathers them), the cases without
    a verdict (the matrix says infrastructure), the error that stopped a
    target, its SuiteRun once it came up, and how long it took."""

    def __init__(self, targets: list[str], cases: int):
        self.targets = targets
        self.cases = cases   # how many each target runs
        self.records: dict[str, list[dict]] = {t: [] for t in targets}
        self.infrastructure: list[dict] = []
        self.errors: dict[str, HarnessError] = {}
        self.runs: dict[str, SuiteRun] = {}
        self.seconds: dict[str, float] = {}
        self.toolchains: dict[str, Toolchain | HarnessError] = {}   # per VM, prepared once

    def add(self, case, result) -> None:
        nodeid = "/".join(case_parts(case)) + f"::{result.target}"   # pytest's item: cases/ints/add.py::host32
        self.records[result.target].append({"nodeid": nodeid,
                                            **result_record(result, getattr(case, "corpus", ""))})

    def no_verdict(self, case, target: str) -> None:
        self.infrastructure.append({"case": case.id, "target": target, "verdict": INFRASTRUCTURE})

    def status(self) -> int:
        """2 when a target could not come up or was lost (the others ran), else
        1 when a case failed, crashed, timed out or ran slower than its
        baseline allows on any target (as pytest fails them), else 0."""
        if self.errors:
            return 2
        return int(any(r["verdict"] in FAILING for records in self.records.values() for r in records))


def cmd_suite(args) -> int:
    # A misspelt target stops here, before the last run's reports are cleared.
    targets = _suite_targets(args.target)
    cases, corpora = _suite_cases(args)
    reports, reports_why = _reports_folder(corpora)
    results = junit = None
    if not (args.no_reports or reports_off()):
        folder, why = _report_path(args.alluredir, "--alluredir", RESULTS_FOLDER, corpora)
        junit_path, junit_why = _report_path(args.junitxml, "--junitxml", JUNIT_FILE, corpora)
        if junit_path.is_dir():
            raise ConfigError(f"--junitxml {args.junitxml} is a folder",
                              f"name a file, e.g. --junitxml {Path(args.junitxml) / JUNIT_FILE}")
        results = AllureResults(folder, clean=args.clean_alluredir or not args.alluredir)
        junit = JUnitXml(junit_path)
    run = _Run(targets, len(cases))
    try:
        for target in targets:
            _run_target(args, run, target, cases, results, junit)
        return run.status()
    finally:
        # However the run ends (Ctrl-C, SIGTERM, a bug): the files of the cases that finished.
        try:
            _finish_run(args, run, reports, reports_why, results)
        finally:
            try:
                if results is not None:
                    results.finish(targets)
                    if results.written:
                        print(results_line(results.folder) + (f"\n  {why}" if why else ""))
            finally:
                if junit is not None:
                    junit.write()
                    print(f"junit xml: {junit.path}" + (f"\n  {junit_why}" if junit_why else ""))


def _run_case(run, case, results: AllureResults | None, junit: JUnitXml | None):
    """``run.run_case(case)``, its result written to the reports there are."""
    started = time.monotonic()
    try:
        result = results.run_case(run, case) if results else run.run_case(case)
    except Exception as exc:
        if junit:
            junit.error(case, run.target.name, exc, time.monotonic() - started)
        raise
    if junit:
        junit.add(case, result, time.monotonic() - started)
    return result


def _toolchain_for(args, run: _Run, target: str) -> Toolchain:
    """The toolchain of the target's VM, prepared for the first target that
    needs it; a failure is kept, and every target of that VM says so."""
    vm = load_target(target).vm
    if vm not in run.toolchains:
        try:
            run.toolchains[vm] = Toolchain.prepare(vm, cache_dir(args.hil_cache), args.vm_src)
        except HarnessError as exc:
            run.toolchains[vm] = exc
    found = run.toolchains[vm]
    if isinstance(found, HarnessError):
        raise found.with_traceback(None)
    return found


def _run_target(args, run: _Run, target: str, cases: list, results: AllureResults | None,
                junit: JUnitXml | None) -> None:
    """The cases on one target: its SuiteRun started, each case run and
    reported, the SuiteRun stopped before the next target's starts. A harness
    error (the target cannot come up, a board lost) ends this target's part:
    it is kept in ``run.errors`` and the run goes on with the next target."""
    started = time.monotonic()
    try:
        try:
            suite_run = SuiteRun(target, toolchain=_toolchain_for(args, run, target), timeout=args.timeout,
                                 board=_board(args, target), signing_key_file=args.signing_key,
                                 push=args.push).start()
        except Exception as exc:
            # The target never came up: each case says so, as a broken result.
            for case in cases:
                if results:
                    results.broken(case, target, exc)
                if junit:
                    junit.error(case, target, exc)
                run.no_verdict(case, target)
            raise
        run.runs[target] = suite_run
        try:
            for case in cases:
                try:
                    result = _run_case(suite_run, case, results, junit)
                except HarnessError:
                    run.no_verdict(case, target)   # a board lost in the case: no verdict
                    raise
                run.add(case, result)
                if result.verdict is not Verdict.PASS or args.verbose:
                    print(result.summary())
                    if result.diff:
                        print(result.diff.rstrip("\n"))
        finally:
            suite_run.stop()
    except HarnessError as exc:
        run.errors[target] = exc
        print(f"bytecode-hil: error: {exc}", file=sys.stderr)
    finally:
        run.seconds[target] = time.monotonic() - started


def _finish_run(args, run: _Run, reports: Path, reports_why: str, results: AllureResults | None) -> None:
    """Per target, the summary lines, the timing report and the results file
    (as a pytest run writes them, --no-reports or not); with several targets
    and Allure results, the differential matrix, attached to them."""
    cache = cache_dir(args.hil_cache)
    for target in run.targets:
        records, error = run.records[target], run.errors.get(target)
        if target not in run.seconds:
            print(f"{target}: not run: the run stopped before it")
        elif not records:
            broken = sum(1 for r in run.infrastructure if r["target"] == target)
            what = ("no case finished" if target in run.runs else
                    f"never came up, its {broken} cases broken" if error else "stopped before it came up")
            print(f"{target}: {what}" + (f": {error.message}" if error else ""))
        else:
            print("\n".join(finish_target(target, records, reports_dir=reports, cache=cache,
                                          results_file=results_path(reports, target), run=run.runs.get(target),
                                          seconds=run.seconds[target])))
            if error is not None:
                left = run.cases - len(records) - 1   # the case it was lost in has no verdict
                print(f"  lost in its run: {error.message}; {left} case{'' if left == 1 else 's'} after it not run")
    if len(run.targets) > 1 and results is not None and (run.infrastructure or any(run.records.values())):
        files = write_matrix(run.infrastructure + [r for t in run.targets for r in run.records[t]], run.targets,
                             reports)
        results.attach_globally(files)
        print("\n".join(f"differential matrix: {path}" for path in files))
    if reports_why and (run.infrastructure or any(run.records.values())):
        print(f"  {reports_why}")


def cmd_matrix(args) -> int:
    from .matrix import load_results

    paths = [Path(p) for p in args.results] or sorted(Path("reports").glob("results-*.jsonl"))
    if not paths:
        raise HarnessError("no results files given, and none in reports/",
                           "run the suite first, e.g. pytest --target=host32,qemu-m0")
    records, targets = load_results(paths)
    for path in write_matrix(records, targets, Path(args.output)):
        print(path)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness", description="bytecode-hil without pytest")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("targets", help="list the targets")
    p.set_defaults(func=cmd_targets)
    p = sub.add_parser("build", help="fetch the VM source, build mpy-cross and the targets' firmware")
    p.add_argument("--target", action="append", help="a target whose firmware to build (repeatable)")
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("footprint", help="firmware size against the target's budget, and what trimming "
                                         "the compiler saves")
    p.add_argument("--target", action="append", required=True)
    p.set_defaults(func=cmd_footprint)
    p = sub.add_parser("compile", help="compile a .py file to a .mpy blob")
    p.add_argument("file")
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_compile)
    p = sub.add_parser("run", help="run .py or .mpy files on a target and show their output")
    p.add_argument("--target", required=True)
    p.add_argument("--timeout", type=float)
    p.add_argument("files", nargs="+")
    _board_options(p)
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("suite", help="run conformance cases on targets, one after another, and print verdicts")
    p.add_argument("--target", default=os.environ.get("HIL_TARGET"),
                   help="target(s) to run the cases on, comma-separated, one after another [env HIL_TARGET]")
    p.add_argument("--timeout", type=float)
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("paths", nargs="*", help="case files or folders (default: cases/); a folder outside "
                   "cases/ is a corpus of plain scripts (docs/corpus.md)")
    p.add_argument("--include", help="corpus scripts to run: globs, comma-separated (default: all)")
    p.add_argument("--exclude", help="corpus scripts to leave out: globs, comma-separated")
    p.add_argument("--alluredir", help="Allure results folder (default: reports/allure-results below the current "
                   "folder, emptied first; the project's when the current folder is inside a corpus)")
    p.add_argument("--clean-alluredir", action="store_true", help="empty the --alluredir folder first")
    p.add_argument("--junitxml", help="JUnit XML file (default: reports/junit.xml below the current folder; the "
                   "project's when the current folder is inside a corpus)")
    p.add_argument("--no-reports", action="store_true", help="write no Allure results, no JUnit XML and no "
                   "matrix; results files and timing reports are still written [env HIL_NO_REPORTS=1]")
    _board_options(p)
    p.set_defaults(func=cmd_suite)
    p = sub.add_parser("matrix", help="the differential matrix (case x target) from results files")
    p.add_argument("results", nargs="*", help="results-<target>.jsonl files (default: reports/results-*.jsonl)")
    p.add_argument("-o", "--output", default="reports", help="folder for matrix.md, .csv and .svg")
    p.set_defaults(func=cmd_matrix)
    for p in sub.choices.values():
        _common(p)
    args = parser.parse_args(argv)
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
