"""Allure results of cases, without pytest.

What both ways of running cases share: ``AllureRecorder`` (the library's
``Recorder``: a case's steps and attachments, and the bring-up steps it
replays) and ``describe_case`` (its name, description, labels and target
parameter). The pytest layer (harness/reporting.py) applies them to
allure-pytest's results; ``AllureResults`` writes whole results folders for
``python -m harness suite``, with allure-python-commons' model and file
logger, so that both look the same in a report.

``AllureResults`` leaves allure-python-commons' ``AllureReporter`` and its
plugin manager alone: both are process-wide (the reporter keeps the items it
has open per thread in a class attribute, and reports them to every logger
registered), so a run inside a pytest process that writes results of its
own would mix the two. It keeps its one open result itself and writes it,
when the case ends, with its own ``AllureFileLogger``.
"""

from __future__ import annotations

import traceback
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

from allure_commons.logger import AllureFileLogger
from allure_commons.model2 import (
    ATTACHMENT_PATTERN,
    Attachment,
    GlobalAttachment,
    Globals,
    Label,
    Parameter,
    Status,
    StatusDetails,
    TestResult,
    TestStepResult,
)
from allure_commons.utils import host_tag, md5, now, platform_label, thread_tag

from ..errors import HarnessError
from ..paths import REPO_ROOT, REPORTS_DIR
from ..suite.recorder import Recorder, StepOutcome
from ..suite.verdict import CaseResult, Verdict
from .allure_files import target_environment, write_categories, write_environment
from .sinks import ResultSink

RESULTS_FOLDER = "allure-results"  # in a run's reports/ folder
KINDS = {  # recorder kind: allure attachment type and extension
    "text": ("text/plain", "txt"), "diff": ("text/plain", "diff"), "json": ("application/json", "json"),
    "csv": ("text/csv", "csv"), "markdown": ("text/markdown", "md"),
    "svg": ("image/svg+xml", "svg"),
}


def matrix_attachment(path: Path, title: str = "differential matrix") -> tuple[str, str, str]:
    """A report's file (the differential matrix's, an A/B's) as a global
    attachment of a run's results: its name, mime type and extension."""
    path = Path(path)
    mime, extension = KINDS[{".svg": "svg", ".md": "markdown", ".csv": "csv"}[path.suffix]]
    return f"{title} ({path.suffix[1:]})", mime, extension


def results_line(folder: Path) -> str:
    """Where a run's results went, and how to make the HTML report of them
    (tools/report.sh reads the project's reports/allure-results unless told)."""
    folder = Path(folder).resolve()
    make = "make report" if Path.cwd().resolve() == REPO_ROOT else f"make -C {REPO_ROOT} report"
    if folder != REPORTS_DIR / RESULTS_FOLDER:
        make = f"HIL_ALLURE_RESULTS={folder} {make}"
    return f"allure results: {folder} ({make} turns them into {REPORTS_DIR / 'allure-report'})"


class AllureRecorder(Recorder):
    """Writes a case's steps and attachments into its Allure result. ``logger``
    keeps the open result and its steps: allure-python-commons'
    ``AllureReporter`` (allure-pytest's), or ``AllureResults``'s own."""

    wants_attachments = True

    def __init__(self, logger):
        self.logger = logger

    @contextmanager
    def step(self, title: str):
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
    description, labels and the target as a parameter. A case of ours is
    grouped by its area (epic, suite and feature; parent suite
    "conformance"); a corpus script by its corpus and its folder in it (epic
    "corpus <name>", suite and feature its folder: "(top)" for the corpus's
    own). The case is the sub-suite; the target a tag."""
    corpus = getattr(case, "corpus", "")
    folder = case.id.rsplit("/", 1)[0] if "/" in case.id else ""
    if corpus:
        epic = parent = f"corpus {Path(corpus).name}"
        group = folder or "(top)"
    else:
        epic, parent = case.id.split("/")[0] if "/" in case.id else "(top level)", "conformance"
        group = epic
    test.name = f"{case.id} on {target}"
    test.description = (f"Script `{case.id}` of the corpus `{corpus}` on target `{target}`." if corpus else
                        f"Case `{case.id}` ({case.path.name}) on target `{target}`.")
    test.labels += [Label(name="epic", value=epic), Label(name="parentSuite", value=parent),
                    Label(name="suite", value=group), Label(name="subSuite", value=case.id),
                    Label(name="feature", value=group), Label(name="tag", value=target)]
    test.parameters.append(Parameter(name="target", value=target))


def case_parts(case) -> tuple[str, ...]:
    """The path of a case's pytest item ``<path>::<target>``, as parts:
    relative to the project (our cases, and a corpus inside the project), or
    to the folder that holds the corpus (``basics/int_big.py`` of a corpus
    ``tests/basics``). Stable from run to run, wherever it is started; the
    same as a pytest run's where pytest's rootdir is that folder too (the
    project; for a corpus outside it, the corpus's parent when pytest is
    started there)."""
    path = case.path.resolve()
    corpus = getattr(case, "corpus", "")
    base = REPO_ROOT if REPO_ROOT in path.parents else Path(corpus).parent if corpus else path.parent
    return path.relative_to(base).parts


def case_module(case) -> str:
    """The dotted name pytest makes of a case's path (``cases.ints.add_sub_mul``):
    allure-pytest's package, JUnit XML's classname."""
    parts = case_parts(case)
    return ".".join(parts[:-1] + (Path(parts[-1]).stem,))


def case_identity(case, target: str) -> dict:
    """The fields of a case's result that say which test it is, as
    allure-pytest makes them for the item ``<path>::<target>`` (``case_parts``),
    so the report's history and trends follow each case on each target."""
    parts = case_parts(case)
    full_name = f"{case_module(case)}#{target}"
    return {"fullName": full_name, "testCaseId": md5(full_name), "historyId": md5(full_name, target),
            "titlePath": list(parts)}


def verdict_status(result: CaseResult, case_path) -> tuple[str, StatusDetails | None]:
    """A verdict's Allure status, and what the result says of it: a verdict
    other than pass, skip and xfail is failed, its message the result's
    summary (``fail: <case> on <target>: ...``, the categories' verdict form)."""
    if result.verdict is Verdict.PASS:
        return Status.PASSED, None
    if result.verdict is Verdict.SKIP:
        return Status.SKIPPED, StatusDetails(message=result.message)
    if result.verdict is Verdict.XFAIL:
        return Status.SKIPPED, StatusDetails(message=f"XFAIL {result.message}".rstrip())
    return Status.FAILED, StatusDetails(message=result.summary(), trace=result.explain(case_path))


def error_details(exc: BaseException) -> tuple[str, str]:
    """What pytest would say of an error: its message (``harness.errors.<Class>: ...``,
    the categories' infrastructure form), and its text (``INFRASTRUCTURE: ...``
    for a harness error, else the traceback)."""
    message = "".join(traceback.format_exception_only(exc)).rstrip("\n")
    trace = f"INFRASTRUCTURE: {exc}" if isinstance(exc, HarnessError) else "".join(traceback.format_exception(exc))
    return message, trace


def error_status(exc: BaseException) -> tuple[str, StatusDetails]:
    """An error's Allure status, broken, and ``error_details``."""
    message, trace = error_details(exc)
    return Status.BROKEN, StatusDetails(message=message, trace=trace)


class _OpenResult:
    """The result of the case running now, and its open steps: what
    ``AllureRecorder`` asks of allure-python-commons' ``AllureReporter``."""

    def __init__(self, logger: AllureFileLogger, test: TestResult, case_path: Path):
        self.file_logger = logger
        self.test = test
        self.case_path = case_path
        self.open = [(test.uuid, test)]   # the result, then its steps as they nest
        self.files: list[str] = []        # its attachments, written as they come

    def start_step(self, parent_uuid, uuid, step) -> None:
        self.open[-1][1].steps.append(step)
        self.open.append((uuid, step))

    def stop_step(self, uuid) -> None:
        self.open = [(u, item) for u, item in self.open if u != uuid]

    def attach_data(self, uuid, body, name=None, attachment_type=None, extension=None) -> None:
        source = ATTACHMENT_PATTERN.format(prefix=uuid, ext=extension)
        self.open[-1][1].attachments.append(Attachment(name=name, source=source, type=attachment_type))
        self.file_logger.report_attached_data(body=body, file_name=source)
        self.files.append(source)


class AllureResults:
    """A run's Allure results folder, written without pytest: one result per
    case and target, then ``environment.properties``; ``categories.json``
    from the start, so a run cut short still leaves a folder to report."""

    FRAMEWORK = "bytecode-hil"  # allure-pytest's results say pytest

    def __init__(self, folder: Path, clean: bool = False):
        self.folder = Path(folder)
        self.logger = AllureFileLogger(self.folder, clean=clean)
        write_categories(self.folder)
        self.written = 0
        self.environments: dict[str, dict] = {}
        self._open: _OpenResult | None = None

    def start(self, case, target: str, run=None) -> Recorder:
        """Open the result of ``case`` on ``target``; ``run``, the SuiteRun
        that runs it (None when its target never came up), gives the
        bring-up steps and the environment. Returns its recorder."""
        test = TestResult(uuid=str(uuid4()), start=now(), **case_identity(case, target))
        describe_case(test, case, target)
        test.labels += [Label(name="host", value=host_tag()), Label(name="thread", value=thread_tag()),
                        Label(name="framework", value=self.FRAMEWORK), Label(name="language", value=platform_label()),
                        Label(name="package", value=case_module(case))]
        self._open = _OpenResult(self.logger, test, case.path)
        recorder = AllureRecorder(self._open)
        if run is not None:
            self.environments[target] = target_environment(run)
            recorder.replay_bring_up(run)
        return recorder

    def stop(self, result: CaseResult | None = None, error: BaseException | None = None) -> None:
        """Write the open result: the verdict's status, or broken for ``error``."""
        open_, self._open = self._open, None
        test = open_.test
        if error is not None:
            test.status, test.statusDetails = error_status(error)
        else:
            test.status, test.statusDetails = verdict_status(result, open_.case_path)
        test.stop = now()
        self.logger.report_result(test)
        self.written += 1

    @property
    def open(self) -> bool:
        """Whether a case's result is open (started, not yet written)."""
        return self._open is not None

    def drop(self) -> None:
        """Forget the open result (a run interrupted in the middle of it), and its attachments."""
        open_, self._open = self._open, None
        for name in open_.files if open_ else ():
            (self.folder / name).unlink(missing_ok=True)

    def run_case(self, run, case) -> CaseResult:
        """``run.run_case(case)``, its result written: a harness error in
        the case is broken; an interruption writes nothing."""
        recorder = self.start(case, run.target.name, run)
        try:
            result = run.run_case(case, recorder)
        except Exception as exc:
            self.stop(error=exc)
            raise
        except BaseException:
            self.drop()
            raise
        self.stop(result)
        return result

    def broken(self, case, target: str, error: BaseException) -> None:
        """The result of a case whose target could not come up."""
        self.start(case, target)
        self.stop(error=error)

    def attach_open(self, name: str, content: str, kind: str = "text") -> None:
        """An attachment of the case whose result is open (an A/B's comparison)."""
        AllureRecorder(self._open).attach(name, content, kind)

    def attach_globally(self, files: list[Path], title: str = "differential matrix") -> None:
        """A report's files (the differential matrix's, an A/B's) as
        attachments of the whole run (the report's Global Attachments), each
        a copy and a ``<uuid>-globals.json``, as allure-pytest's
        ``allure.global_attach.file`` writes them."""
        for path in files:
            name, mime, extension = matrix_attachment(path, title)
            source = ATTACHMENT_PATTERN.format(prefix=uuid4(), ext=extension)
            self.logger.report_attached_file(source=str(path), file_name=source)
            self.logger.report_globals(Globals(attachments=[
                GlobalAttachment(name=name, source=source, type=mime, timestamp=now())]))

    def finish(self, targets: list[str]) -> None:
        """The run-level file of the targets: ``environment.properties``."""
        self.drop()
        write_environment(self.folder, self.environments, targets)


class AllureSink(ResultSink):
    """``AllureResults`` as a sink of the runner: a result per case as it
    runs, broken for one an error ended; at the end the run-level files,
    and where they went."""

    def __init__(self, results: AllureResults):
        self.results = results

    def case_started(self, case, target: str, run) -> Recorder:
        return self.results.start(case, target, run)

    def case_finished(self, case, result: CaseResult, seconds: float) -> None:
        self.results.stop(result)

    def case_broken(self, case, target: str, error: BaseException, seconds: float) -> None:
        if self.results.open:
            self.results.stop(error=error)
        else:   # its target never came up: no result was started
            self.results.broken(case, target, error)

    def case_interrupted(self) -> None:
        self.results.drop()

    def attach(self, files: list[Path]) -> None:
        self.results.attach_globally(files)

    def finish(self, runner, interrupted: bool) -> list[str]:
        self.results.finish(runner.targets)
        if not self.results.written:
            return []
        return [results_line(self.results.folder)]
