"""Reports of a pytest run: Allure results and JUnit XML beside them, for every run of cases.

A second pytest plugin (entry point ``bytecode-hil-reports``). It builds on
allure-pytest and pytest's junitxml, so ``--alluredir`` and ``--junitxml``
work as users know them; when a run of cases names neither, results go to
``reports/allure-results`` and ``reports/junit.xml`` (``--no-reports`` or
``HIL_NO_REPORTS``: neither).

What it adds to allure-pytest's results: each case's title, labels (area as
epic and suite, target as a parameter and tag), its steps and attachments
(``AllureRecorder`` and ``describe_case``, harness/reports/allure.py, with
which ``python -m harness suite`` writes its results), and at the end of the
run, from the controller, ``environment.properties``, ``categories.json`` and
the differential matrix (a sink of the runner, attached globally).
Infrastructure errors end as Allure "broken", case verdicts as "failed"; the
categories keep them apart.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .pytest_state import HilState, state_key
from .reports.allure import RESULTS_FOLDER, AllureRecorder, describe_case, matrix_attachment, results_line
from .reports.allure_files import CATEGORIES, target_environment, write_categories, write_environment
from .reports.junit import JUNIT_FILE, JUnitSink, JUnitXml
from .reports.sinks import MatrixSink
from .suite.recorder import NULL_RECORDER, Recorder


def _listener(config):
    return config.pluginmanager.get_plugin("allure_listener")


def configure_outputs(config, state: HilState) -> None:
    """Default the Allure results folder and the JUnit file to the run's
    reports/ folder. Called by the main plugin's pytest_configure (tryfirst),
    once its state exists and before allure-pytest and junitxml read them."""
    if not state.writes_reports or config.option.collectonly:
        return
    reports = state.reports_dir
    if not getattr(config.option, "allure_report_dir", None):
        results = reports / RESULTS_FOLDER
        # One run, one set of results: the report carries history, not this
        # folder. A resumed run keeps the results of the cases it skips.
        if not hasattr(config, "workerinput") and not state.settings.resume and results.is_dir():
            # Another run started in the same folder may be writing there:
            # what it adds meanwhile is its own, not an error of this run.
            shutil.rmtree(results, ignore_errors=True)
        config.option.allure_report_dir = str(results)
    if hasattr(config, "workerinput"):
        return
    path = getattr(config.option, "xmlpath", None) or str(reports / JUNIT_FILE)
    if state.settings.resume:
        # pytest's file would hold the cases run now alone: the runner's
        # JUnit sink writes the whole run, journaled cases and all.
        config.option.xmlpath = None
        state.runner.sinks.append(JUnitSink(JUnitXml(Path(path)), from_records=True))
    else:
        config.option.xmlpath = path


def case_recorder(config) -> Recorder:
    """The recorder for the case running now: Allure's when results are written, else none."""
    listener = _listener(config)
    return AllureRecorder(listener.allure_logger) if listener else NULL_RECORDER


@pytest.hookimpl(hookwrapper=True, tryfirst=True)  # outside allure-pytest's wrapper: it names the test first
def pytest_runtest_setup(item):
    yield
    listener = _listener(item.config)
    case, target = getattr(item, "case", None), getattr(item, "target", None)
    if listener is None or case is None:
        return
    test = listener.allure_logger.get_test(None)
    if test is None:
        return
    describe_case(test, case, target)
    run = getattr(item, "run_for", None)
    if run is not None:
        AllureRecorder(listener.allure_logger).replay_bring_up(run)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    run = getattr(item, "run_for", None)
    if call.when == "setup" and run is not None:
        # Reports cross from pytest-xdist workers to the controller, which
        # writes environment.properties: they carry what it needs.
        report.hil_environment = target_environment(run)
    if call.when == "call" and getattr(item, "result", None) is not None:
        item.user_properties.append(("hil_verdict", item.result.verdict.value))


class RunReports:
    """The controller's part: gathers environments, writes the run-level files at the end."""

    def __init__(self, config, state: HilState):
        self.config = config
        self.state = state
        self.environments: dict[str, dict] = {}
        self.matrix = MatrixSink(state.reports_dir, self._attach_globally)
        state.runner.sinks.append(self.matrix)

    def pytest_runtest_logreport(self, report):
        env = getattr(report, "hil_environment", None)
        if env:
            self.environments[env["target"]] = env

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session):
        results_dir = Path(self.config.option.allure_report_dir)
        results_dir.mkdir(parents=True, exist_ok=True)
        write_categories(results_dir)
        write_environment(results_dir, self.environments, self.state.targets)

    @staticmethod
    def _attach_globally(files: list[Path]) -> None:
        import allure

        for path in files:
            name, mime, extension = matrix_attachment(path)
            allure.global_attach.file(str(path), name=name, attachment_type=mime, extension=extension)

    def pytest_terminal_summary(self, terminalreporter):
        if any(self.state.runner.records.values()):
            terminalreporter.write_line(results_line(self.config.option.allure_report_dir))


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session):
    config = session.config
    state = config.stash.get(state_key, None)
    if state is not None and not hasattr(config, "workerinput") and getattr(config.option, "allure_report_dir", None):
        config.pluginmanager.register(RunReports(config, state), "bytecode-hil-run-reports")


__all__ = ["AllureRecorder", "CATEGORIES", "case_recorder", "configure_outputs"]
