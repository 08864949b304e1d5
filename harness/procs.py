"""Child processes and temporary files that do not outlive the harness.

A run killed with SIGKILL runs no cleanup code, so children are tied to the
harness by the kernel (they are killed when it dies), and temporary names
carry the owner's PID so the next run can sweep what a dead run left.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import tempfile
from pathlib import Path

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """preexec_fn for Popen: the child gets SIGKILL when the harness dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: cleanup falls back to the sweep below


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def owned_name(prefix: str) -> str:
    return f"{prefix}{os.getpid()}-"


def sweep_stale(directory: Path, prefix: str) -> int:
    """Remove entries named ``<prefix><pid>-...`` whose process is gone."""
    removed = 0
    if not directory.is_dir():
        return removed
    for entry in directory.iterdir():
        if not entry.name.startswith(prefix):
            continue
        pid_text = entry.name[len(prefix):].split("-", 1)[0].split(".", 1)[0]
        if not pid_text.isdigit() or pid_alive(int(pid_text)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed += 1
    return removed


def temp_dir(prefix: str) -> tempfile.TemporaryDirectory:
    """A temporary folder the next run can sweep if this one is killed."""
    base = Path(tempfile.gettempdir())
    sweep_stale(base, prefix)
    return tempfile.TemporaryDirectory(prefix=owned_name(prefix))
