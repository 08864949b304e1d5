"""The pytest plugin: a thin layer mapping options, items and reports onto the library.

Registered through the ``pytest11`` entry point. Every ``*.py`` below a case
root (ini ``hil_case_roots``, default ``cases``) becomes one item per target;
so does every ``*.py`` of a corpus (``--corpus DIR``, or a folder given on the
command line outside the project; harness/suite/corpus.py, docs/corpus.md).
An item's run is the runner's (harness/suite/runner.py), the one
``python -m harness suite`` drives; the options are the same table
(harness/options.py). Allure and JUnit glue: harness/pytest_allure.py.
"""

from __future__ import annotations

import importlib.util
import signal

import pytest

from .errors import HarnessError, InfrastructureError
from .options import OPTIONS, SUITE
from .procs import terminate_as_interrupt
from .pytest_ab import ABReportSink, ABWorse
from .pytest_allure import case_recorder, configure_outputs
from .pytest_state import HilState, state_key
from .reports.sinks import JournalSink, ResultsSink
from .suite.cases import Case, load_case
from .suite.corpus import Corpus, load_corpus_case
from .suite.verdict import FAILING, CaseResult, Verdict, result_record

# Options pytest's labgrid plugin defines when labgrid is installed.
LABGRID_OPTIONS = ("--lg-env", "--lg-coordinator")


def pytest_addoption(parser):
    group = parser.getgroup("bytecode-hil", "bytecode-hil conformance runs")
    labgrid = _labgrid_installed()
    for option in OPTIONS:
        if SUITE not in option.commands or not option.pytest or (labgrid and option.flag in LABGRID_OPTIONS):
            continue
        text = option.help + (f" [env {option.env}]" if option.env else "")
        if option.switch:
            group.addoption(option.flag, action="store_true", default=None, help=text)
        else:
            group.addoption(option.flag, default=None, help=text)
    parser.addini("hil_case_roots", "folders whose .py files are conformance cases", type="args",
                  default=["cases"])


def _labgrid_installed() -> bool:
    try:
        return importlib.util.find_spec("labgrid") is not None
    except (ImportError, ValueError, AttributeError):  # a module entry blocked or half-imported
        return False


@pytest.hookimpl(tryfirst=True)  # before allure-pytest and junitxml read their options
def pytest_configure(config):
    config.addinivalue_line("markers", "hil_case(id, target): a bytecode-hil conformance case on a target")
    config.addinivalue_line("markers", "hil_infra: needs emulators or boards beyond the host")
    try:
        state = HilState(config)
    except HarnessError as exc:
        # Before any report is cleared: a misspelt target costs the last run nothing.
        raise pytest.UsageError(str(exc)) from None
    config.stash[state_key] = state
    if not hasattr(config, "workerinput") and not config.option.collectonly:
        try:
            state.hold_reports()   # before anything of the last run's is cleared
        except HarnessError as exc:
            raise pytest.UsageError(str(exc)) from None
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
        settings = state.settings
        files = not settings.no_reports
        sinks = [ResultsSink(state.reports_dir, settings.hil_results, settings.update_baseline,
                             settings.baseline_dir, state.runner.cache, quiet_targets=True, files=files)]
        if files:
            sinks.insert(0, JournalSink(state.runner.journal(), settings.resume, {"rootdir": str(config.rootpath)}))
        if state.ab is not None:
            state.ab_sink = ABReportSink(state.ab, state.runner, state.reports_dir, files, _global_attach(config))
            sinks.append(state.ab_sink)
        state.runner.sinks[:0] = sinks
        config.pluginmanager.register(ResultCollector(state), "bytecode-hil-results")
        if state.runs_cases:
            # A CI job's time limit sends SIGTERM: the run ends as on Ctrl-C,
            # with its summary, results files and JUnit XML written.
            state.sigterm_before = terminate_as_interrupt()


def _keep_pytest_cache_out_of_corpora(config, state: HilState) -> None:
    """Without a project ini pytest's rootdir, where it keeps .pytest_cache,
    is a corpus named on the command line: move the cache to where pytest
    was started, so their folder is left as it was."""
    cache = getattr(config, "cache", None)
    cachedir = getattr(cache, "_cachedir", None)
    if cachedir is None or state.corpus_of(cachedir) is None:
        return
    try:
        config.cache = type(cache)(config.invocation_params.dir / ".pytest_cache", config, _ispytest=True)
    except TypeError:  # another pytest's Cache: better no cache than a write into the corpus
        config.pluginmanager.set_blocked("cacheprovider")


def _global_attach(config):
    """How the A/B report's files become global attachments of the run's Allure results (None: no results)."""
    if config.option.collectonly or not getattr(config.option, "allure_report_dir", None):
        return None

    def attach(files, title):
        import allure

        from .reports.allure import matrix_attachment

        for path in files:
            name, mime, extension = matrix_attachment(path, title)
            allure.global_attach.file(str(path), name=name, attachment_type=mime, extension=extension)
    return attach


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
    if state.runs_cases:
        state.bring_up_early()
    return None


def pytest_collection_modifyitems(session, config, items):
    state = config.stash[state_key]
    state.runner.planned = sum(1 for item in items if isinstance(item, CaseItem))   # resumed ones included
    if not state.resumed:
        return
    done = [item for item in items if item.nodeid in state.resumed]
    if done:
        config.hook.pytest_deselected(items=done)
        items[:] = [item for item in items if item.nodeid not in state.resumed]


def pytest_collect_file(file_path, parent):
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
    root = state.case_root(file_path.resolve())
    if root is None:
        return None
    return CaseFile.from_parent(parent, path=file_path, case_root=root)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path, parent):
    # A corpus script named like a test module (test_*.py) is a case, not
    # Python for pytest to import.
    if parent.config.stash[state_key].corpus_of(module_path) is not None:
        return NotAModule.from_parent(parent, path=module_path)
    return None


class NotAModule(pytest.File):
    def collect(self):
        return []


class CaseFile(pytest.File):
    def __init__(self, *, case_root, corpus: Corpus | None = None, **kwargs):
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
        self.run_for = None
        self.result: CaseResult | None = None
        # A case requests no fixtures; plugins that read an item's fixture
        # names (labgrid's does, in its setup hook) find none.
        self.fixturenames: list[str] = []

    def setup(self):
        # Build and bring-up failures surface here, as errors, not as case failures.
        self.run_for = self.config.stash[state_key].runner.suite_run(self.target)

    def runtest(self):
        state = self.config.stash[state_key]
        runner, recorder = state.runner, case_recorder(self.config)
        # An A/B (--ab-against): the case on side A first (harness/pytest_ab.py).
        a = state.ab.run_a(self.case, self.target) if state.ab else None
        result = runner.run_case(self.case, self.target, recorder)
        self.result = result
        # Reports carry the result, so the summary and the results file also
        # work under pytest-xdist, where cases run in worker processes.
        self.user_properties.append(("hil_result", result_record(result, getattr(self.case, "corpus", ""))))
        if state.ab:
            compared, pair = state.ab.compare(self.case, a, result, runner)
            self.user_properties.append(("hil_ab", pair))
            state.ab.check(compared, recorder)
        if result.verdict is Verdict.SKIP:
            pytest.skip(result.message)
        if result.verdict is Verdict.XFAIL:
            pytest.xfail(result.message)
        if result.verdict is not Verdict.PASS:
            raise CaseVerdict(result)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseVerdict):
            return excinfo.value.result.explain(self.case.path)
        if isinstance(excinfo.value, ABWorse):
            return excinfo.value.text + f"\n\ncase: {self.case.path}"
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
    if isinstance(item, CaseItem) and call.excinfo is not None and isinstance(call.excinfo.value, HarnessError):
        # No verdict: the case's target could not come up, or was lost in it.
        report.hil_broken = {"case": item.case.id, "target": item.target}
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
    """The controller's side: every case's record, from the reports (so
    pytest-xdist workers' arrive too), handed to the runner, whose sinks
    journal each at once and write the run's files at the end."""

    def __init__(self, state: HilState):
        self.state = state

    def pytest_runtest_logreport(self, report):
        runner = self.state.runner
        if report.when == "call":  # teardown reports repeat the properties
            for name, value in report.user_properties:
                if name == "hil_result":
                    runner.record({"nodeid": report.nodeid, **value})
                elif name == "hil_ab" and self.state.ab_sink is not None:
                    self.state.ab_sink.add(value)
        broken = getattr(report, "hil_broken", None)
        if broken and report.failed:
            # Infrastructure errors are journaled too, and run again on resume.
            runner.record_broken(report.nodeid, broken["case"], broken["target"], str(report.longrepr))

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session, exitstatus):
        state = self.state
        all_records = [r for records in state.runner.records.values() for r in records]
        if state.resumed and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            # A resumed run answers for the whole run, journaled cases included.
            failed = any(r["verdict"] in FAILING for r in all_records)
            session.exitstatus = pytest.ExitCode.TESTS_FAILED if failed else pytest.ExitCode.OK
        if all_records or state.runner.broken:
            state.finish_lines = state.runner.finish(interrupted=exitstatus == pytest.ExitCode.INTERRUPTED)

    def pytest_terminal_summary(self, terminalreporter):
        if self.state.finish_lines:
            terminalreporter.section("bytecode-hil")
            for line in self.state.finish_lines:
                terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def hil_state(pytestconfig) -> HilState:
    return pytestconfig.stash[state_key]


@pytest.fixture(scope="session")
def hil_toolchain(hil_state):
    """The first --target's VM toolchain: its source and built compiler."""
    from .targets import load_target

    return hil_state.runner.toolchains.for_target(load_target(hil_state.targets[0]))


@pytest.fixture(scope="session")
def hil_suite(hil_state):
    """A started SuiteRun on the first --target (and its host reference)."""
    return hil_state.runner.suite_run(hil_state.targets[0])


@pytest.fixture(scope="session")
def hil_compile(hil_state, hil_toolchain):
    """Compile Python source text to a blob for the first --target: hil_compile("print(1)", name="t.py")."""
    from .targets import load_target

    target = load_target(hil_state.targets[0])

    def compile_(source: str, name: str = "snippet.py") -> bytes:
        return hil_toolchain.compile(target, source.encode(), name)
    return compile_
