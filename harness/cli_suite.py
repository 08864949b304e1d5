"""``python -m harness suite``: which cases, where the reports go, and the run.

The cases are ours (files and folders below cases/) or the scripts of corpora
(any other folder, docs/corpus.md). The reports go to ``reports/`` below the
current folder, never into a corpus. The run itself is the runner's
(harness/suite/runner.py), the one pytest's plugin drives too, with the
command line's sinks: the console, the journal, the results files and timing
reports, the matrix, Allure results and JUnit XML.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ConfigError
from .options import Settings
from .paths import CASES_DIR, REPORTS_DIR, overlaps
from .reports.allure import RESULTS_FOLDER, AllureResults, AllureSink
from .reports.junit import JUNIT_FILE, JUnitSink, JUnitXml
from .reports.sinks import ConsoleSink, JournalSink, MatrixSink, ResultsSink
from .suite.cases import discover, load_case
from .suite.corpus import Corpus, load_corpus_case
from .suite.runner import Runner


def select_cases(paths: list[str], settings: Settings) -> tuple[list, list[Path]]:
    """Cases of ours (below cases/), or the scripts of corpora (any other
    folder, and the ``--corpus`` folders); and the corpora's roots."""
    include, exclude = settings.corpus_include, settings.corpus_exclude
    cases, corpora = [], []
    given = [Path(p) for p in paths] + [Path(c) for c in settings.corpus]
    for p in given or [CASES_DIR]:
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


def reports_folder(corpora: list[Path]) -> tuple[Path, str]:
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


def report_path(given: str | None, option: str, default: str, corpora: list[Path]) -> tuple[Path, str]:
    """Where one of the run's reports goes: ``given`` (the value of ``option``),
    else ``default`` in the run's reports/ folder (``reports_folder``); and
    why there when it is not where the user asked or would look. Never into a corpus."""
    if given:
        path = Path(given).expanduser().resolve()
        corpus = _overlapping(path, corpora)
        if corpus:
            raise ConfigError(f"{option} {given} is inside the corpus {corpus} (or holds it), whose "
                              "files a run leaves untouched", "choose a place outside it, or pass --no-reports")
        return path, ""
    folder, why = reports_folder(corpora)
    return folder / default, why


def run_suite(settings: Settings, paths: list[str], verbose: bool = False) -> int:
    cases, corpora = select_cases(paths, settings)
    reports, reports_why = reports_folder(corpora)
    # Every option is checked, and a misspelt target refused, before the last run's reports are cleared.
    runner = Runner(settings, reports)
    runner.resume()
    sinks = [ConsoleSink(verbose), JournalSink(runner.journal(), settings.resume, {"rootdir": str(Path.cwd())}),
             ResultsSink(reports, settings.hil_results, settings.update_baseline, settings.baseline_dir,
                         runner.cache)]
    if not settings.no_reports:
        folder, why = report_path(settings.alluredir, "--alluredir", RESULTS_FOLDER, corpora)
        junit_path, junit_why = report_path(settings.junitxml, "--junitxml", JUNIT_FILE, corpora)
        if junit_path.is_dir():
            raise ConfigError(f"--junitxml {settings.junitxml} is a folder",
                              f"name a file, e.g. --junitxml {Path(settings.junitxml) / JUNIT_FILE}")
        # A resumed run keeps the results of the cases it does not run again.
        allure = AllureSink(AllureResults(folder, clean=settings.clean_alluredir or not (settings.alluredir
                                                                                          or settings.resume)), why)
        sinks += [MatrixSink(reports, allure.attach), allure, JUnitSink(JUnitXml(junit_path), junit_why)]
    runner.sinks = sinks
    interrupted = True
    try:
        for target in runner.targets:
            runner.run_target(target, cases)
        interrupted = False
        return runner.status()
    finally:
        # However the run ends (Ctrl-C, SIGTERM, a bug): the files of the cases that finished.
        try:
            lines = runner.finish(interrupted)
            if reports_why and any(runner.records.values()):
                lines.append(f"  {reports_why}")
            print("\n".join(lines))
        finally:
            runner.close()
