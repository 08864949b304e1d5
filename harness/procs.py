"""Child processes and temporary files that do not outlive the harness.

A run killed with SIGKILL runs no cleanup code, so children are tied to the
harness by the kernel (they are killed when it dies), and temporary names
carry the owner's PID so the next run can sweep what a dead run left.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import tempfile
import threading
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


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI job's time limit or cancellation, a kill) as an
    exception: the run unwinds as on Ctrl-C, so finished cases' reports are
    written, targets stopped and farm places given back. Left to Python's
    default, the process would end with none of that."""

    def __init__(self, signum: int):
        super().__init__(f"terminated by signal {signum}")
        self.signum = signum


def _terminate(signum, frame):
    raise Terminated(signum)


def terminate_as_interrupt():
    """Raise Terminated on SIGTERM from now on. Only from the main thread,
    and only over the default handler (a caller's own stays). Returns the
    handler to restore, or None when nothing was changed."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return None
    return signal.signal(signal.SIGTERM, _terminate)


@contextlib.contextmanager
def interrupts_held():
    """Ctrl-C and SIGTERM wait until the block ends: a finished case goes
    to every report or to none, never to some (the journal but not the
    JUnit file). Only the main thread gets signals; elsewhere a no-op."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    before = {s: signal.signal(s, lambda signum, frame: pending.append(signum)) for s in held}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
        for signum in pending[:1]:
            # Put the first held signal through as it would have gone.
            handler = before[signum]
            if callable(handler):
                handler(signum, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)
