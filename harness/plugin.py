"""The pytest plugin: a thin layer mapping options, fixtures and items onto the library.

Registered through the ``pytest11`` entry point. Every ``*.py`` below a case
root (ini ``hil_case_roots``, default ``cases``) becomes one item per target;
so does every ``*.py`` of a corpus (``--corpus DIR``, or a folder given on the
command line outside the project; harness/corpus.py, docs/corpus.md).
"""

from __future__ import annotations

import importlib.util
import os
import signal
import threading
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .cases import Case, load_case
from .corpus import SIDE_FILE, Corpus, load_corpus_case, split_patterns
from .errors import HarnessError, InfrastructureError
from .journal import Journal
from .paths import cache_dir, overlaps
from .procs import terminate_as_interrupt
from .reporting import case_recorder, configure_outputs, runs_cases
from .targets import load_target
from .summary import finish_target, results_path
from .verdict import FAILING, CaseResult, Verdict, result_record

if TYPE_CHECKING:
    # Imported where used: a pytest-xdist controller runs no case and needs
    # none of them, and its start-up delays every worker's.
    from .inventory import Board
    from .session import SuiteRun, Toolchain

DEFAULT_TARGET = "qemu-m0"
# option, environment variable, default, help
_OPTIONS = [
    ("--target", "HIL_TARGET", DEFAULT_TARGET, "target(s) to run the cases on, comma-separated "
     "(qemu-m0, qemu-g030, host, host32, ...; see targets/)"),
    ("--hil-cache", "HIL_CACHE", None, "cache folder for sources, builds and blobs (default: XDG cache)"),
    ("--vm-src", "HIL_VM_SRC", None, "a MicroPython checkout to build instead of the pinned source"),
    ("--case-timeout", "HIL_CASE_TIMEOUT", None, "seconds per case, overriding the target's default"),
    ("--hil-results", "HIL_RESULTS", None, "file to write the run's results to (JSON lines; "
     "default reports/results-<target>.jsonl)"),
    ("--inventory", "HIL_INVENTORY", None, "board inventory file (default ./boards.toml, then "
     "~/.config/bytecode-hil/boards.toml)"),
    ("--board", "HIL_BOARD", None, "the inventory board to use (default: the first of the target's)"),
    ("--probe", "HIL_PROBE", None, "debug probe unique ID (pyOCD), overriding the board's"),
    ("--port", "HIL_PORT", None, "the board's serial port, a pyserial URL (/dev/ttyUSB0, rfc2217://, socket://)"),
    ("--firmware", "HIL_FIRMWARE", None, "firmware image for targets that run your firmware (esp32)"),
    ("--pack", "HIL_PACK", None, "CMSIS pack for the board's MCU (pyOCD), e.g. Keil.STM32G0xx_DFP"),
    ("--hil-journal", "HIL_JOURNAL", None, "the results journal (default reports/journal.jsonl)"),
    ("--baseline-dir", "HIL_BASELINE_DIR", None, "where timing baselines live (default: "
     "targets/<name>/baseline.json; a folder holds <name>.json)"),
    ("--push", "HIL_PUSH", None, "how blobs reach a booter: uart, or swd (into its RAM mailbox through the "
     "debug probe; QEMU's gdbstub on emulated targets); default: as the target file says"),
    ("--signing-key", "HIL_SIGNING_KEY", None, "file holding a blob-signing key: firmware is built to run "
     "only blobs signed with it, and the harness signs them"),
    ("--corpus", "HIL_CORPUS", None, "folder(s) of plain test scripts to run as a suite, comma-separated "
     "(e.g. micropython/tests/basics; docs/corpus.md)"),
    ("--corpus-include", "HIL_CORPUS_INCLUDE", None, "corpus scripts to run: globs on their paths, comma-separated"),
    ("--corpus-exclude", "HIL_CORPUS_EXCLUDE", None, "corpus scripts to leave out: globs, comma-separated"),
]

state_key = pytest.StashKey["HilState"]()


def pytest_addoption(parser):
    group = parser.getgroup("bytecode-hil", "bytecode-hil conformance runs")
    for flag, env, default, text in _OPTIONS:
        group.addoption(flag, default=None, help=f"{text} [env {env}]")
    group.addoption("--update-baseline", action="store_true", default=False,
                    help="write the run's cycle counts to targets/<name>/baseline.json")
    group.addoption("--resume", action="store_true", default=False,
                    help="go on with the run in the journal: cases it finished are not run again")
    if not _labgrid_installed():
        # With labgrid installed, its own pytest plugin defines these two and
        # we read them; without it, ours say how to get it.
        group.addoption("--lg-env", default=None, help="labgrid environment file: boards come from its "
                        "RemotePlaces (needs pip install 'bytecode-hil[labgrid]') [env LG_ENV]")
        group.addoption("--lg-coordinator", default=None, help="labgrid coordinator HOST:PORT [env LG_COORDINATOR]")
    parser.addini("hil_case_roots", "folders whose .py files are conformance cases", type="args",
                  default=["cases"])


def _labgrid_installed() -> bool:
    try:
        return importlib.util.find_spec("labgrid") is not None
    except (ImportError, ValueError, AttributeError):  # a module entry blocked or half-imported
        return False


def _option(config, flag: str):
    for name, env, default, _ in _OPTIONS:
        if name == flag:
            value = config.getoption(flag.lstrip("-").replace("-", "_"))
            return value if value is not None else os.environ.get(env, default)
    raise KeyError(flag)


def command_line_paths(config) -> list[Path]:
    """The paths the run names (``config.args``), resolved, without ``::`` node ids."""
    return [Path(config.invocation_params.dir, str(arg).split("::")[0]).resolve() for arg in config.args]


def _needs_board(target: str) -> bool:
    try:
        return load_target(target).needs_board
    except HarnessError:
        return False  # a bad target name or file: its cases' setup says so


class HilState:
    """Per-process state: the toolchain and one SuiteRun per target, started on first use."""

    def __init__(self, config):
        self.config = config
        self.targets = [t.strip() for t in str(_option(config, "--target")).split(",") if t.strip()]
        self.cache = cache_dir(_option(config, "--hil-cache"))
        self.vm_src = _option(config, "--vm-src")
        timeout = _option(config, "--case-timeout")
        self.timeout = float(timeout) if timeout else None
        self.case_roots = [Path(config.rootpath, r).resolve() for r in config.getini("hil_case_roots")]
        self.corpus_include = split_patterns(_option(config, "--corpus-include"))
        self.corpus_exclude = split_patterns(_option(config, "--corpus-exclude"))
        # --corpus folders are collected in full; a corpus named by a path
        # on the command line is collected as far as that path says.
        self.named_corpora = [Corpus.open(d, self.corpus_include, self.corpus_exclude)
                              for d in split_patterns(_option(config, "--corpus"))]
        self.corpora = self.named_corpora + self._positional_corpora(config)
        # Without a project ini pytest's rootdir is the corpus itself: its
        # files stay untouched, so reports go where pytest was started.
        self.reports_dir = (config.rootpath if config.inipath else config.invocation_params.dir) / "reports"
        self.toolchain: Toolchain | None = None
        self.runs: dict[str, SuiteRun] = {}
        self.failures: dict[str, HarnessError] = {}
        # Targets come up from a case's setup or from the bring-up thread
        # (bring_up_early); reentrant: suite_run prepares the toolchain.
        self.lock = threading.RLock()
        self.bring_up_thread: threading.Thread | None = None
        self.closing = False
        self.runs_stopped = threading.Event()
        self.sigterm_before = None  # the SIGTERM handler to put back at the end
        self.records: list[dict] = []  # one per finished case, from the reports
        journal_path = _option(config, "--hil-journal")
        self.journal = Journal(Path(journal_path) if journal_path else
                               self.reports_dir / "journal.jsonl", self.targets)
        self.board_source = None  # opened when a target first needs a board
        self.resume = config.getoption("resume")
        self.resumed: dict[str, dict] = self.journal.finished() if self.resume else {}

    def _positional_corpora(self, config) -> list[Corpus]:
        """Folders named on the command line that are corpora: outside the
        case roots, and outside the project or holding a side file."""
        found = []
        for path in command_line_paths(config):
            if path.is_file() and path.suffix == ".py":
                path = path.parent  # one script: its folder is the corpus, pytest collects the one
            if not path.is_dir() or self.touches_case_roots(path):
                continue
            outside = config.inipath is None or config.rootpath not in path.parents
            if outside or (path / SIDE_FILE).is_file():
                if not any(c.root == path for c in self.named_corpora + found):
                    found.append(Corpus.open(path, self.corpus_include, self.corpus_exclude))
        return found

    def touches_case_roots(self, path: Path) -> bool:
        """``path`` is a case root, lies below one, or holds one."""
        return any(overlaps(path, root) for root in self.case_roots if root.is_dir())

    def corpus_of(self, path: Path) -> Corpus | None:
        for corpus in self.corpora:
            if corpus.contains(path):
                return corpus
        return None

    def prepared_toolchain(self) -> Toolchain:
        with self.lock:
            if self.toolchain is None:
                from .session import Toolchain

                self.toolchain = Toolchain.prepare(cache=self.cache, vm_src=self.vm_src)
            return self.toolchain

    def suite_run(self, target: str) -> SuiteRun:
        with self.lock:
            if target in self.failures:
                # Without its old traceback: raised again and again, the one
                # exception would carry every earlier case's frames.
                raise self.failures[target].with_traceback(None)
            if target not in self.runs:
                from .session import SuiteRun

                try:
                    self.runs[target] = SuiteRun(target, toolchain=self.prepared_toolchain(), timeout=self.timeout,
                                                 log_dir=self.cache / "logs", board=self.board_for(target),
                                                 signing_key_file=_option(self.config, "--signing-key"),
                                                 push=_option(self.config, "--push"),
                                                 baseline_dir=_option(self.config, "--baseline-dir")).start()
                except HarnessError as exc:
                    self.failures[target] = exc  # do not rebuild for every case
                    raise
            return self.runs[target]

    def bring_up_early(self) -> None:
        """Bring the emulated and host targets up in a thread while pytest
        collects, so their build check, QEMU's boot and the host runner's
        start are not paid by the first case. Targets on boards wait for a
        case: a board, perhaps a farm's, is not taken for a run that turns
        out to select none of its cases. Errors stay in ``failures``, and the
        first case of the target reports them as its own setup would."""
        early = [t for t in self.targets if not _needs_board(t)]
        if not early or self.bring_up_thread is not None:
            return

        def bring_up() -> None:
            for target in early:
                with self.lock:
                    if self.closing:
                        break
                    try:
                        self.suite_run(target)
                    except Exception:  # noqa: BLE001 - raised again in the case's setup, which calls suite_run
                        pass
            # QEMU and the host runner die with the thread that started them
            # (PR_SET_PDEATHSIG, harness/procs.py): this one outlives them.
            self.runs_stopped.wait()

        self.bring_up_thread = threading.Thread(target=bring_up, name="hil-bring-up", daemon=True)
        self.bring_up_thread.start()

    def board_for(self, target: str) -> Board | None:
        if not load_target(target).needs_board:
            return None
        from .boardsources import open_source, worker_index

        if self.board_source is None:
            self.board_source = open_source({
                "inventory": _option(self.config, "--inventory"), "board": _option(self.config, "--board"),
                "lg_env": self.config.getoption("lg_env", None) or os.environ.get("LG_ENV"),
                "lg_coordinator": self.config.getoption("lg_coordinator", None)})
        overrides = {key: _option(self.config, f"--{key}") for key in ("probe", "port", "firmware", "pack")}
        return self.board_source.board(target, worker_index(), overrides)

    def close(self) -> None:
        with self.lock:  # after a bring-up under way; none starts after this
            self.closing = True
        try:
            for run in self.runs.values():
                run.stop()
        finally:
            self.runs_stopped.set()
            if self.bring_up_thread is not None:
                self.bring_up_thread.join()
            if self.board_source is not None:  # a farm's board goes back even when a stop failed
                self.board_source.release()


@pytest.hookimpl(tryfirst=True)  # before allure-pytest and junitxml read their options
def pytest_configure(config):
    config.addinivalue_line("markers", "hil_case(id, target): a bytecode-hil conformance case on a target")
    config.addinivalue_line("markers", "hil_infra: needs emulators or boards beyond the host")
    try:
        state = HilState(config)
    except HarnessError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[state_key] = state
    configure_outputs(config, state)
    _keep_pytest_cache_out_of_corpora(config, state)
    named = [str(c.root) for c in state.named_corpora if str(c.root) not in config.args]
    if named:
        # --corpus names what to collect: in place of the default paths
        # (testpaths), or beside the paths given.
        if config.args_source != pytest.Config.ArgsSource.ARGS:
            config.args[:] = named
        else:
            config.args.extend(named)
    if not hasattr(config, "workerinput"):  # the controller, not a pytest-xdist worker
        config.pluginmanager.register(ResultCollector(state), "bytecode-hil-results")
        if runs_cases(config, state):
            # A CI job's time limit sends SIGTERM: the run ends as on Ctrl-C,
            # with its summary, results files and JUnit XML written.
            state.sigterm_before = terminate_as_interrupt()


def _keep_pytest_cache_out_of_corpora(config, state: HilState) -> None:
    """Without a project ini pytest's rootdir, where it keeps .pytest_cache,
    is a corpus named on the command line: move the cache to where pytest
    was started, so their folder is left as it was."""
    cache = getattr(config, "cache", None)
    cachedir = getattr(cache, "_cachedir", None)
    if cachedir is None or state.corpus_of(Path(cachedir)) is None:
        return
    try:
        config.cache = type(cache)(config.invocation_params.dir / ".pytest_cache", config, _ispytest=True)
    except TypeError:  # another pytest's Cache: better no cache than a write into the corpus
        config.pluginmanager.set_blocked("cacheprovider")


def pytest_unconfigure(config):
    state = config.stash.get(state_key, None)
    if state is not None:
        try:
            state.close()
        finally:
            if state.sigterm_before is not None:
                signal.signal(signal.SIGTERM, state.sigterm_before)


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session):
    config = session.config
    # Where the cases will run: here, unless this is pytest-xdist's controller.
    if config.option.collectonly or config.pluginmanager.has_plugin("dsession"):
        return None
    state = config.stash[state_key]
    if runs_cases(config, state):
        state.bring_up_early()
    return None


def pytest_collection_modifyitems(session, config, items):
    state = config.stash[state_key]
    if not state.resumed:
        return
    done = [item for item in items if item.nodeid in state.resumed]
    if done:
        config.hook.pytest_deselected(items=done)
        items[:] = [item for item in items if item.nodeid not in state.resumed]


def _case_root(state: HilState, path: Path) -> Path | None:
    for root in state.case_roots:
        if root == path or root in path.parents:
            return root
    return None


def pytest_collect_file(file_path: Path, parent):
    state = parent.config.stash[state_key]
    if file_path.suffix != ".py":
        return None
    corpus = state.corpus_of(file_path)
    if corpus is not None:
        # Every script of a corpus is a case, whatever its name, unless the
        # selection leaves it out; but conftest.py is pytest's own: it
        # imports it while collecting the folder.
        if file_path.name == "conftest.py" or not corpus.is_script(file_path):
            return None
        case_id = file_path.resolve().relative_to(corpus.root).with_suffix("").as_posix()
        if not corpus.selected(case_id):
            return None
        return CaseFile.from_parent(parent, path=file_path, case_root=corpus.root, corpus=corpus)
    if file_path.name.startswith(("_", "test_", "conftest")):
        return None
    root = _case_root(state, file_path.resolve())
    if root is None:
        return None
    return CaseFile.from_parent(parent, path=file_path, case_root=root)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path: Path, parent):
    # A corpus script named like a test module (test_*.py) is a case, not
    # Python for pytest to import.
    if parent.config.stash[state_key].corpus_of(module_path) is not None:
        return NotAModule.from_parent(parent, path=module_path)
    return None


class NotAModule(pytest.File):
    def collect(self):
        return []


class CaseFile(pytest.File):
    def __init__(self, *, case_root: Path, corpus: Corpus | None = None, **kwargs):
        super().__init__(**kwargs)
        self.case_root = case_root
        self.corpus = corpus

    def collect(self):
        state = self.config.stash[state_key]
        if self.corpus is not None:
            case = load_corpus_case(self.path, self.corpus.root, self.corpus.side)
        else:
            case = load_case(self.path, self.case_root)
        for target in state.targets:
            item = CaseItem.from_parent(self, name=target, case=case, target=target)
            item.add_marker(pytest.mark.hil_case(case.id, target))
            yield item


class CaseVerdict(AssertionError):
    """A case ended in fail, vm-crash, timeout or perf-regression. An
    AssertionError, so that Allure counts it failed, not broken."""

    def __init__(self, result: CaseResult):
        super().__init__(result.summary())
        self.result = result


class CaseItem(pytest.Item):
    def __init__(self, *, case: Case, target: str, **kwargs):
        super().__init__(**kwargs)
        self.case = case
        self.target = target
        self.run_for: SuiteRun | None = None
        self.result: CaseResult | None = None
        # A case requests no fixtures; plugins that read an item's fixture
        # names (labgrid's does, in its setup hook) find none.
        self.fixturenames: list[str] = []

    def setup(self):
        # Build and bring-up failures surface here, as errors, not as case failures.
        self.run_for = self.config.stash[state_key].suite_run(self.target)

    def runtest(self):
        result = self.run_for.run_case(self.case, case_recorder(self.config))
        self.result = result
        # Reports carry the result, so the summary and the results file also
        # work under pytest-xdist, where cases run in worker processes.
        self.user_properties.append(("hil_result", result_record(result, getattr(self.case, "corpus", ""))))
        if result.verdict is Verdict.SKIP:
            pytest.skip(result.message)
        if result.verdict is Verdict.XFAIL:
            pytest.xfail(result.message)
        if result.verdict is not Verdict.PASS:
            raise CaseVerdict(result)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseVerdict):
            return excinfo.value.result.explain(self.case.path)
        if isinstance(excinfo.value, HarnessError):
            return f"INFRASTRUCTURE: {excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"{self.case.id} [{self.target}]"

    def _traceback_filter(self, excinfo):
        # pytest formats an error in setup before any hook can replace it:
        # 20 frames of pytest and pluggy, each file parsed for its source,
        # 0.1-0.25 s per case, and a target that is down fails every case.
        # Its message and hint say all; the harness frame that raised it is kept.
        if isinstance(excinfo.value, HarnessError):
            return excinfo.traceback[-1:]
        return super()._traceback_filter(excinfo)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if isinstance(item, CaseItem) and call.when == "call" and item.result is not None:
        report.hil_verdict = item.result.verdict.value
        if report.skipped and isinstance(report.longrepr, tuple):
            # Point the skip at the case, not at the plugin line that skipped it.
            report.longrepr = (item.nodeid.split("::")[0], None, report.longrepr[2])
    if call.excinfo is not None and isinstance(call.excinfo.value, InfrastructureError):
        report.hil_verdict = "infrastructure"
    if call.when == "setup" and call.excinfo is not None and isinstance(call.excinfo.value, HarnessError):
        # A build or bring-up problem: its message and hint say it all.
        report.longrepr = f"INFRASTRUCTURE: {call.excinfo.value}"


def pytest_report_teststatus(report, config):
    verdict = getattr(report, "hil_verdict", None)
    if verdict == "vm-crash" and report.failed:
        return "vm-crash", "C", "VM-CRASH"
    if verdict == "timeout" and report.failed:
        return "timeout", "T", "TIMEOUT"
    if verdict == "perf-regression" and report.failed:
        return "perf-regression", "P", "PERF-REGRESSION"
    if verdict == "infrastructure" and report.failed:
        return "error", "E", "INFRASTRUCTURE"
    return None


class ResultCollector:
    """Gathers every case's result from the reports (so pytest-xdist workers'
    results arrive too), journals each at once, and prints the summary."""

    def __init__(self, state: HilState):
        self.state = state
        self.started = False
        state.records.extend(state.resumed.values())

    def _journal(self, entry: dict) -> None:
        if not self.started:  # a run without cases leaves the journal alone
            self.state.journal.start(self.state.resume, {"rootdir": str(self.state.config.rootpath)})
            self.started = True
        self.state.journal.record(entry)

    def pytest_runtest_logreport(self, report):
        if report.when == "call":  # teardown reports repeat the properties
            for name, value in report.user_properties:
                if name == "hil_result":
                    entry = {"nodeid": report.nodeid, **value}
                    self.state.records.append(entry)
                    self._journal(entry)
        elif report.failed and report.when == "setup" and "::" in report.nodeid and \
                report.nodeid.split("::")[-1] in self.state.targets:
            # Infrastructure errors are journaled too, and run again on resume.
            self._journal({"nodeid": report.nodeid, "verdict": "infrastructure",
                           "message": str(report.longrepr)[-2000:]})

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session, exitstatus):
        if self.started and exitstatus != pytest.ExitCode.INTERRUPTED:
            self.state.journal.finish(dict(Counter(r["verdict"] for r in self.state.records)))
        if self.state.resumed and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            # A resumed run answers for the whole run, journaled cases included.
            failed = any(r["verdict"] in FAILING for r in self.state.records)
            session.exitstatus = pytest.ExitCode.TESTS_FAILED if failed else pytest.ExitCode.OK

    def pytest_terminal_summary(self, terminalreporter):
        state = self.state
        if not state.records:
            return
        tr = terminalreporter
        tr.section("bytecode-hil")
        for target in state.targets:
            records = [r for r in state.records if r["target"] == target]
            if not records:
                continue
            run = state.runs.get(target)
            update_baseline = None
            if state.config.getoption("update_baseline"):
                def update_baseline(target=target, records=records, run=run) -> str:
                    from .baseline import Baseline

                    baseline = Baseline(load_target(target), _option(state.config, "--baseline-dir"))
                    details = {"firmware_build": run.session.info.build_id} if run else {}
                    ours = [r for r in records if not r.get("corpus")]  # corpus scripts keep no baseline
                    return f"{baseline.update(ours, details)} cases written to {baseline.path}"
            results_file = results_path(state.reports_dir, target, _option(state.config, "--hil-results"),
                                        len(state.targets) > 1)
            for line in finish_target(target, records, reports_dir=state.reports_dir, results_file=results_file,
                                      cache=state.cache, run=run, baseline=update_baseline):
                tr.write_line(line)


@pytest.fixture(scope="session")
def hil_state(pytestconfig) -> HilState:
    return pytestconfig.stash[state_key]


@pytest.fixture(scope="session")
def hil_toolchain(hil_state) -> Toolchain:
    """The VM source and a built mpy-cross."""
    return hil_state.prepared_toolchain()


@pytest.fixture(scope="session")
def hil_suite(hil_state, hil_toolchain) -> SuiteRun:
    """A started SuiteRun on the first --target (and its host reference)."""
    return hil_state.suite_run(hil_state.targets[0])


@pytest.fixture(scope="session")
def hil_compile(hil_toolchain):
    """Compile Python source text to a blob: hil_compile("print(1)", name="t.py")."""
    def compile_(source: str, name: str = "snippet.py") -> bytes:
        return hil_toolchain.compiler.compile(source.encode(), name)
    return compile_
