"""A run's reports folder: where it is, that it is no corpus's, and that one run at a time writes it.

A run writes only below its own reports folder (``--reports-dir``, else
``reports/`` below where the run starts; under pytest below its rootdir),
never into a corpus it runs, and not at all with ``--no-reports``. The
folder is held for the run (``.lock``, an advisory lock the kernel lets go of
when the run's process ends, however it ends): a second run in the same
folder is told which run holds it and stops before it clears anything, or,
with ``--wait-for-reports``, waits its turn.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from pathlib import Path

from ..errors import ConfigError
from ..paths import overlaps

LOCK_FILE = ".lock"


def choose(given: str | None, default: Path, corpora: list[Path]) -> Path:
    """The run's reports folder: ``given`` (--reports-dir) or ``default``;
    a ``ConfigError`` when it lies in a corpus of the run (or holds one)."""
    folder = Path(given).expanduser().resolve() if given else default.resolve()
    corpus = next((c for c in corpora if overlaps(folder, c)), None)
    if corpus is not None:
        where = f"--reports-dir {given}" if given else f"the reports folder {folder} (below where the run started)"
        raise ConfigError(f"{where} is inside the corpus {corpus} (or holds it), whose files a run leaves untouched",
                          "start the run from a folder outside the corpus, or give --reports-dir DIR "
                          "(HIL_REPORTS_DIR) outside it")
    return folder


class ReportsLock:
    """The reports folder, held by one run at a time."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / LOCK_FILE
        self._file = None

    def holder(self) -> str:
        """Who holds the folder, as its lock file says."""
        try:
            info = json.loads(self.path.read_text())
            started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info["started"]))
            return f"process {info['pid']} ({info['command']}), started {started}"
        except (OSError, ValueError, KeyError, TypeError):
            return "another run"

    def acquire(self, wait: bool = False) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "a+")
        except OSError as exc:
            raise ConfigError(f"the reports folder {self.folder} cannot be written: {exc.strerror}",
                              "give --reports-dir DIR (HIL_REPORTS_DIR) a folder you may write") from None
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = self.holder()
            if not wait:
                self._file.close()
                self._file = None
                raise ConfigError(f"the reports folder {self.folder} is in use by {holder}",
                                  "wait until it ends, give this run another --reports-dir, or pass "
                                  "--wait-for-reports to wait its turn") from None
            print(f"bytecode-hil: the reports folder {self.folder} is in use by {holder}: waiting",
                  file=sys.stderr)
            fcntl.flock(self._file, fcntl.LOCK_EX)
        self._file.seek(0)
        self._file.truncate()
        self._file.write(json.dumps({"pid": os.getpid(), "command": " ".join(sys.argv[:6]),
                                     "started": time.time()}))
        self._file.flush()

    def release(self) -> None:
        if self._file is not None:
            self._file.close()   # closing lets go of the lock
            self._file = None
