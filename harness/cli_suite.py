"""``python -m harness suite``: which cases, where the reports go, and the run.

The cases are ours (files and folders below cases/) or the scripts of corpora
(any other folder, docs/corpus.md). The reports go to the run's reports
folder (harness/reports/folder.py), never into a corpus. The run itself is the runner's
(harness/suite/runner.py), the one pytest's plugin drives too, with the
command line's sinks: the console, the journal, the results files and timing
reports, the matrix, Allure results and JUnit XML.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ConfigError
from .options import Settings
from .paths import CASES_DIR, overlaps
from .reports import folder
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


def report_path(given: str | None, option: str, default: Path, corpora: list[Path]) -> Path:
    """Where one of the run's reports goes: ``given`` (the value of ``option``),
    else ``default`` in the run's reports folder. Never into a corpus."""
    if not given:
        return default
    path = Path(given).expanduser().resolve()
    corpus = next((c for c in corpora if overlaps(path, c)), None)
    if corpus:
        raise ConfigError(f"{option} {given} is inside the corpus {corpus} (or holds it), whose "
                          "files a run leaves untouched", "choose a place outside it, or pass --no-reports")
    return path


def run_suite(settings: Settings, paths: list[str], verbose: bool = False) -> int:
    if settings.ab_against:
        # An A/B: the run's own source is side B (docs/ab.md).
        from .cli_ab import run_ab

        return run_ab(settings, paths, settings.ab_against, settings.vm_src or "pinned", verbose)
    cases, corpora = select_cases(paths, settings)
    reports = folder.choose(settings.reports_dir, Path.cwd() / "reports", corpora)
    # Every option is checked, and a misspelt target refused, before the last run's reports are touched.
    runner = Runner(settings, reports)
    runner.planned = len(cases) * len(runner.targets)
    sinks = [ConsoleSink(verbose)]
    if settings.no_reports:
        sinks.append(ResultsSink(reports, None, False, None, runner.cache, files=False))
    lock = None
    if not settings.no_reports:
        allure_folder = report_path(settings.alluredir, "--alluredir", reports / RESULTS_FOLDER, corpora)
        junit_path = report_path(settings.junitxml, "--junitxml", reports / JUNIT_FILE, corpora)
        if junit_path.is_dir():
            raise ConfigError(f"--junitxml {settings.junitxml} is a folder",
                              f"name a file, e.g. --junitxml {Path(settings.junitxml) / JUNIT_FILE}")
        lock = folder.ReportsLock(reports)
        lock.acquire(settings.wait_for_reports)
    try:
        runner.resume()
        if not settings.no_reports:
            # A resumed run keeps the results of the cases it does not run again.
            allure = AllureSink(AllureResults(allure_folder, clean=settings.clean_alluredir
                                              or not (settings.alluredir or settings.resume)))
            sinks += [JournalSink(runner.journal(), settings.resume, {"rootdir": str(Path.cwd())}),
                      ResultsSink(reports, settings.hil_results, settings.update_baseline, settings.baseline_dir,
                                  runner.cache),
                      MatrixSink(reports, allure.attach), allure, JUnitSink(JUnitXml(junit_path))]
        runner.sinks = sinks
        return _run(runner, cases)
    finally:
        if lock is not None:
            lock.release()


def _run(runner: Runner, cases: list) -> int:
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
            if lines:
                print("\n".join(lines))
        finally:
            runner.close()
