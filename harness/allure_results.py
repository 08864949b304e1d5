"""Allure results of cases, without pytest.

What both ways of running cases share: ``AllureRecorder`` (the library's
``Recorder``: a case's steps and attachments, and the bring-up steps it
replays) and ``describe_case`` (its name, description, labels and target
parameter). The pytest layer (harness/reporting.py) applies them to
allure-pytest's results; ``AllureResults`` writes whole results folders for
``python -m harness suite``, with allure-python-commons' model and file
logger, so that both look the same in a report.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

from allure_commons.model2 import Label, Parameter, Status, StatusDetails, TestStepResult

from .recorder import Recorder, StepOutcome

RESULTS_FOLDER = "allure-results"  # in a run's reports/ folder
NO_REPORTS_ENV = "HIL_NO_REPORTS"
KINDS = {  # recorder kind: allure attachment type and extension
    "text": ("text/plain", "txt"), "diff": ("text/plain", "diff"), "json": ("application/json", "json"),
    "csv": ("text/csv", "csv"), "markdown": ("text/markdown", "md"), "png": ("image/png", "png"),
    "svg": ("image/svg+xml", "svg"),
}


def reports_off() -> bool:
    """``HIL_NO_REPORTS`` set (to anything): a run writes no reports by default."""
    return bool(os.environ.get(NO_REPORTS_ENV))


class AllureRecorder(Recorder):
    """Writes a case's steps and attachments into its Allure result. ``logger``
    keeps the open result and its steps: allure-python-commons'
    ``AllureReporter`` (allure-pytest's), or ``AllureResults``'s own."""

    wants_attachments = True

    def __init__(self, logger):
        self.logger = logger

    @contextmanager
    def step(self, title: str):
        from allure_commons.utils import now

        uuid = str(uuid4())
        step = TestStepResult(name=title, start=now())
        self.logger.start_step(None, uuid, step)
        outcome = StepOutcome()
        try:
            yield outcome
        except BaseException as exc:
            step.status = Status.BROKEN
            step.statusDetails = StatusDetails(message=f"{type(exc).__name__}: {exc}")
            raise
        else:
            step.status = Status.FAILED if outcome.problem else Status.PASSED
            if outcome.problem:
                step.statusDetails = StatusDetails(message=outcome.problem)
        finally:
            step.parameters = [Parameter(name=k, value=str(v)) for k, v in outcome.parameters.items()]
            step.stop = now()
            self.logger.stop_step(uuid)

    def attach(self, name: str, content: str | bytes, kind: str = "text") -> None:
        mime, extension = KINDS[kind]
        body = content if isinstance(content, bytes) else content.encode("utf-8")
        self.logger.attach_data(uuid4(), body, name=name, attachment_type=mime, extension=extension)

    def replay(self, entry: dict) -> None:
        """A step that happened once, when the target came up, shown in every case it served."""
        stop = int(entry["at"] * 1000)
        parameters = [Parameter(name="seconds", value=f"{entry['seconds']:.2f}"),
                      Parameter(name="when", value="once, as the target came up; shared by its cases")]
        parameters += [Parameter(name=k, value=str(v)) for k, v in entry.get("details", {}).items()]
        uuid = str(uuid4())
        step = TestStepResult(name=f"{entry['step']}: {entry['title']}", status=Status.PASSED,
                              start=stop - int(entry["seconds"] * 1000), stop=stop, parameters=parameters)
        self.logger.start_step(None, uuid, step)
        self.logger.stop_step(uuid)

    def replay_bring_up(self, run) -> None:
        """How a SuiteRun's target and its host reference came up."""
        for session in (run.session, run.reference):
            for entry in (session.bring_up if session else []):
                self.replay(entry)


def describe_case(test, case, target: str) -> None:
    """A case's Allure result (``allure_commons.model2.TestResult``): its name,
    description, labels (area as epic, suite and feature; the case as
    sub-suite; the target as a tag) and the target as a parameter."""
    area = case.id.split("/")[0] if "/" in case.id else "(top level)"
    test.name = f"{case.id} on {target}"
    test.description = f"Case `{case.id}` ({case.path.name}) on target `{target}`."
    test.labels += [Label(name="epic", value=area), Label(name="parentSuite", value="conformance"),
                    Label(name="suite", value=area), Label(name="subSuite", value=case.id),
                    Label(name="feature", value=area), Label(name="tag", value=target)]
    test.parameters.append(Parameter(name="target", value=target))
