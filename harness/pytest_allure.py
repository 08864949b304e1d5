"""Reports of a pytest run: Allure results and JUnit XML beside them, for every run of cases.

A second pytest plugin (entry point ``bytecode-hil-reports``), kept apart
from harness/plugin.py. It builds on allure-pytest, so ``--alluredir`` and
``--junitxml`` work as users know them; when a run of cases names neither,
results go to ``reports/allure-results`` and ``reports/junit.xml``.

What it adds to allure-pytest's results: each case's title, labels (area as
epic and suite, target as a parameter and tag), its steps and attachments
(through ``AllureRecorder``, the library's ``Recorder``; both from
harness/allure_results.py, which ``python -m harness suite`` writes its
results with), and at the end of
the run, from the controller, ``environment.properties``, ``categories.json``
and the differential matrix. Infrastructure errors end as Allure "broken",
case verdicts as "failed"; the categories keep them apart.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .allure_files import CATEGORIES, target_environment, write_categories, write_environment
from .allure_results import (RESULTS_FOLDER, AllureRecorder, describe_case, matrix_attachment, reports_off,
                             results_line)
from .junit import JUNIT_FILE
from .matrix import INFRASTRUCTURE, write_matrix
from .recorder import NULL_RECORDER, Recorder


def _listener(config):
    return config.pluginmanager.get_plugin("allure_listener")


def runs_cases(config, state) -> bool:
    """Whether the run's paths hold conformance cases or corpus scripts (so
    `pytest tests/` leaves reports/ alone)."""
    from .plugin import command_line_paths

    return bool(state.corpora) or any(state.touches_case_roots(path) for path in command_line_paths(config))


def configure_outputs(config, state) -> None:
    """Default the Allure results folder and the JUnit file to the run's
    reports/ folder. Called by the main plugin's pytest_configure (tryfirst),
    once its state exists and before allure-pytest and junitxml read them."""
    if not runs_cases(config, state) or reports_off() or config.option.collectonly:
        return
    reports = state.reports_dir
    if not getattr(config.option, "allure_report_dir", None):
        results = reports / RESULTS_FOLDER
        # One run, one set of results: the report carries history, not this
        # folder. A resumed run keeps the results of the cases it skips.
        if not hasattr(config, "workerinput") and not config.getoption("resume", False) and results.is_dir():
            # Another run started in the same folder may be writing there:
            # what it adds meanwhile is its own, not an error of this run.
            shutil.rmtree(results, ignore_errors=True)
        config.option.allure_report_dir = str(results)
    if not getattr(config.option, "xmlpath", None) and not hasattr(config, "workerinput"):
        config.option.xmlpath = str(reports / JUNIT_FILE)


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
    if call.when == "setup" and report.failed and getattr(item, "case", None) is not None:
        # The target never came up for this case: the matrix says so.
        report.hil_infrastructure = {"case": item.case.id, "target": item.target, "verdict": INFRASTRUCTURE}
    if call.when == "call" and getattr(item, "result", None) is not None:
        item.user_properties.append(("hil_verdict", item.result.verdict.value))


class RunReports:
    """The controller's part: gathers environments, writes the run-level files at the end."""

    def __init__(self, config):
        self.config = config
        self.environments: dict[str, dict] = {}
        self.infrastructure: list[dict] = []   # cases whose target never came up

    def pytest_runtest_logreport(self, report):
        env = getattr(report, "hil_environment", None)
        if env:
            self.environments[env["target"]] = env
        if getattr(report, "hil_infrastructure", None):
            self.infrastructure.append(report.hil_infrastructure)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session):
        results_dir = getattr(self.config.option, "allure_report_dir", None)
        state = _hil_state(self.config)
        if not results_dir or state is None:
            return
        results_dir = Path(results_dir)
        results_dir.mkdir(parents=True, exist_ok=True)
        write_categories(results_dir)
        write_environment(results_dir, self.environments, state.targets)
        if len(state.targets) > 1 and (state.records or self.infrastructure):
            files = write_matrix(self.infrastructure + state.records, state.targets,
                                 state.reports_dir)
            self._attach_globally(files)
            self.matrix_files = files

    def _attach_globally(self, files: list[Path]) -> None:
        import allure

        for path in files:
            name, mime, extension = matrix_attachment(path)
            allure.global_attach.file(str(path), name=name, attachment_type=mime, extension=extension)

    def pytest_terminal_summary(self, terminalreporter):
        results_dir = getattr(self.config.option, "allure_report_dir", None)
        if not results_dir or _hil_state(self.config) is None or not _hil_state(self.config).records:
            return
        tr = terminalreporter
        tr.write_line(results_line(results_dir))
        for path in getattr(self, "matrix_files", []):
            tr.write_line(f"differential matrix: {path}")


def _hil_state(config):
    from .plugin import state_key

    return config.stash.get(state_key, None)


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session):
    config = session.config
    if not hasattr(config, "workerinput") and getattr(config.option, "allure_report_dir", None):
        config.pluginmanager.register(RunReports(config), "bytecode-hil-run-reports")


__all__ = ["AllureRecorder", "CATEGORIES", "case_recorder", "configure_outputs", "runs_cases"]
