"""The pytest layer's state: a run's options, its corpora, and the runner, kept in ``config.stash``.

One ``HilState`` per pytest process (the controller, and each pytest-xdist
worker). Its ``runner`` (harness/suite/runner.py) is the one the command
line uses: workers run their cases through it, and the controller's gathers
every case's record from pytest's reports and writes the run's files.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from .boardsources import worker_index
from .errors import HarnessError
from .options import OPTIONS, Settings
from .paths import overlaps
from .reports import folder
from .suite.corpus import SIDE_FILE, Corpus
from .suite.runner import Runner
from .targets import load_target

state_key = pytest.StashKey["HilState"]()


def settings_of(config) -> Settings:
    """The options pytest was given, as the command line reads its own."""
    def given(option):
        value = config.getoption(option.dest, None) if option.pytest else None
        if option.flag == "--lg-env" and value is None:
            value = os.environ.get("LG_ENV")   # labgrid's own option, when labgrid is installed, has no fallback
        return value
    return Settings.read(given)


def command_line_paths(config) -> list[Path]:
    """The paths the run names (``config.args``), resolved, without ``::`` node ids."""
    return [Path(config.invocation_params.dir, str(arg).split("::")[0]).resolve() for arg in config.args]


def _needs_board(target: str) -> bool:
    return load_target(target).needs_board


class HilState:
    """Per-process state: the options, the case roots and corpora, the runner."""

    def __init__(self, config):
        self.config = config
        self.settings = settings_of(config)
        self.targets = self.settings.target
        self.case_roots = [Path(config.rootpath, r).resolve() for r in config.getini("hil_case_roots")]
        # --corpus folders are collected in full; a corpus named by a path
        # on the command line is collected as far as that path says.
        self.named_corpora = [Corpus.open(d, self.settings.corpus_include, self.settings.corpus_exclude)
                              for d in self.settings.corpus]
        self.corpora = self.named_corpora + self._positional_corpora(config)
        self.runs_cases = bool(self.corpora) or any(self.touches_case_roots(p) for p in command_line_paths(config))
        # Without a project ini pytest's rootdir is the corpus itself: its
        # files stay untouched, so reports go where pytest was started.
        default = (config.rootpath if config.inipath else config.invocation_params.dir) / "reports"
        self.reports_dir = folder.choose(self.settings.reports_dir, default,
                                         [c.root for c in self.corpora]) if self.runs_cases else default
        ab = bool(self.settings.ab_against) and self.runs_cases
        # An A/B compares its two sources with each other, not with the baselines (harness/pytest_ab.py).
        self.runner = Runner(self.settings, self.reports_dir, board_index=worker_index(), baselines=not ab,
                             timing_repeats=self.settings.ab_repeats if ab else None)
        self.ab = None
        if ab:
            from .pytest_ab import PytestAB

            self.ab = PytestAB(self.settings, self.reports_dir, worker_index())
        self.resumed = self.runner.resume()
        self.reports_lock: folder.ReportsLock | None = None
        self.bring_up_thread: threading.Thread | None = None
        self.runs_stopped = threading.Event()
        self.sigterm_before = None  # the SIGTERM handler to put back at the end
        self.finish_lines: list[str] = []
        self.ab_sink = None   # the controller's A/B report (harness/pytest_ab.py)

    def _positional_corpora(self, config) -> list[Corpus]:
        """Folders named on the command line that are corpora: outside the
        case roots, and outside the project or holding a side file. (The
        folder pytest was started in, when nothing is named, is none.)"""
        if config.args_source != pytest.Config.ArgsSource.ARGS:
            return []
        found = []
        for path in command_line_paths(config):
            if path.is_file() and path.suffix == ".py":
                path = path.parent  # one script: its folder is the corpus, pytest collects the one
            if not path.is_dir() or self.touches_case_roots(path):
                continue
            outside = config.inipath is None or config.rootpath not in path.parents
            if outside or (path / SIDE_FILE).is_file():
                if not any(c.root == path for c in self.named_corpora + found):
                    found.append(Corpus.open(path, self.settings.corpus_include, self.settings.corpus_exclude))
        return found

    def touches_case_roots(self, path: Path) -> bool:
        """``path`` is a case root, lies below one, or holds one."""
        return any(overlaps(path, root) for root in self.case_roots if root.is_dir())

    def corpus_of(self, path: Path) -> Corpus | None:
        for corpus in self.corpora:
            if corpus.contains(path):
                return corpus
        return None

    def case_root(self, path: Path) -> Path | None:
        for root in self.case_roots:
            if root == path or root in path.parents:
                return root
        return None

    def bring_up_early(self) -> None:
        """Bring the emulated and host targets up in a thread while pytest
        collects, so their build check, QEMU's boot and the host runner's
        start are not paid by the first case. Targets on boards wait for a
        case: a board, perhaps a farm's, is not taken for a run that turns
        out to select none of its cases. Errors stay with the runner, and the
        first case of the target reports them as its own setup would."""
        early = [t for t in self.targets if not _needs_board(t)]
        if not early or self.bring_up_thread is not None:
            return

        def bring_up() -> None:
            for target in early:
                with self.runner.lock:
                    if self.runner.closing:
                        break
                    try:
                        self.runner.suite_run(target)
                    except HarnessError:   # raised again in the case's setup, which calls suite_run
                        pass
            # QEMU and the host runner die with the thread that started them
            # (PR_SET_PDEATHSIG, harness/procs.py): this one outlives them.
            self.runs_stopped.wait()

        self.bring_up_thread = threading.Thread(target=bring_up, name="hil-bring-up", daemon=True)
        self.bring_up_thread.start()

    @property
    def writes_reports(self) -> bool:
        """Whether this run writes files: a run of cases, without --no-reports."""
        return self.runs_cases and not self.settings.no_reports

    def hold_reports(self) -> None:
        """Hold the reports folder for the run (the controller: before it clears anything)."""
        if self.writes_reports and self.reports_lock is None:
            self.reports_lock = folder.ReportsLock(self.reports_dir)
            self.reports_lock.acquire(self.settings.wait_for_reports)

    def close(self) -> None:
        try:
            if self.ab is not None:
                self.ab.close()
            self.runner.close()
        finally:
            self.runs_stopped.set()
            if self.bring_up_thread is not None:
                self.bring_up_thread.join()
            if self.reports_lock is not None:
                self.reports_lock.release()


__all__ = ["HilState", "OPTIONS", "command_line_paths", "settings_of", "state_key"]
