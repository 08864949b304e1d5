"""The results journal: every finished case on disk at once, so a run that is
interrupted (Ctrl-C, SIGKILL, a lost machine) keeps what it finished, and
``--resume`` goes on from there."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from ..errors import ConfigError

FORMAT = 1
# Verdicts that end a case for good; anything else (an infrastructure error)
# runs again on resume.
FINISHED = {"pass", "fail", "vm-crash", "timeout", "skip", "xfail"}


class Journal:
    def __init__(self, path: Path, targets: list[str]):
        self.path = path
        self.targets = targets
        self._file = None

    # --- reading -------------------------------------------------------------
    def read(self) -> tuple[dict, list[dict]]:
        """The journal's header and its case records (a torn last line is ignored)."""
        header, records = {}, []
        if not self.path.exists():
            return header, records
        with open(self.path, encoding="utf-8") as f:
            for line in f:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue  # the line being written when the run was killed
                if "journal" in entry:
                    header = entry
                elif "nodeid" in entry:
                    records.append(entry)
        return header, records

    def finished(self) -> dict[str, dict]:
        """Records of the cases a resumed run must not run again, by node id."""
        header, records = self.read()
        if not header:
            raise ConfigError(f"--resume: no journal at {self.path}",
                              "resume needs the journal of an earlier run (or drop --resume)")
        if header.get("targets") != self.targets:
            raise ConfigError(f"--resume: {self.path} is a run on {','.join(header.get('targets', []))}, "
                              f"not on {','.join(self.targets)}",
                              f"resume with --target={','.join(header.get('targets', []))}")
        return {r["nodeid"]: r for r in records if r.get("verdict") in FINISHED}

    # --- writing -------------------------------------------------------------
    def start(self, resume: bool, details: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not resume and self.path.exists():
            # The earlier run's journal stays beside the new one, so a run
            # started without --resume by mistake loses nothing.
            self.path.replace(self.path.with_suffix(".prev.jsonl"))
        self._file = open(self.path, "a", encoding="utf-8")
        if not resume:
            self._write({"journal": FORMAT, "targets": self.targets, "started": time.time(), **details})
        else:
            self._write({"resumed": time.time()})

    def record(self, entry: dict) -> None:
        self._write(entry)

    def finish(self, counts: dict) -> None:
        if self._file:
            self._write({"complete": time.time(), "counts": counts})
            self._file.close()
            self._file = None

    def _write(self, entry: dict) -> None:
        self._file.write(json.dumps(entry) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())  # on disk before the next case starts


def run_state(path: Path, targets: list[str] | None = None) -> str:
    """Where the journal's run stands, for a script deciding whether to resume:
    ``none`` (no journal), ``other`` (a run on other targets than ``targets``),
    ``unfinished`` (the run did not end: killed, a lost machine),
    ``infrastructure N`` (it ended with N cases to run again), or ``done``."""
    path = Path(path)
    if not path.exists():
        return "none"
    header, _ = Journal(path, targets or []).read()
    if targets is not None and header.get("targets") != targets:
        return "other"
    ended, rerun = True, set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # the line being written when the run was killed
            if "journal" in entry or "resumed" in entry:
                ended = False
            elif "complete" in entry:
                ended = True
            elif "nodeid" in entry:
                if entry.get("verdict") in FINISHED:
                    rerun.discard(entry["nodeid"])
                else:
                    rerun.add(entry["nodeid"])
    if not ended:
        return "unfinished"
    return f"infrastructure {len(rerun)}" if rerun else "done"
