"""Expected output: a checked-in .exp file, or CPython's output (cached)."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .cases import Case

CPYTHON_TIMEOUT = 20.0
# What CPython may use running a case: a script that runs away must not
# take the machine (one was seen at 243 MB after 3 s).
CPYTHON_MEMORY = 512 * 1024 * 1024


def _bound_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CPYTHON_MEMORY, CPYTHON_MEMORY))


# In a corpus's .exp, a line of eight hashes stands for any number of whole
# lines (MicroPython's convention, for output that varies: warnings, addresses).
ANY_LINES = "########"


@dataclass(frozen=True)
class Expected:
    text: str = ""
    origin: str = ""   # "cpython" or ".exp"
    reason: str = ""   # why a .exp differs from CPython
    missing: str = ""  # why there is no reference (CPython could not run the case)
    any_lines: bool = False  # ANY_LINES lines in text are wildcards

    def matches(self, actual: str) -> bool:
        if not self.any_lines:
            return actual == self.text
        return _match_lines(self.text.splitlines(True), actual.splitlines(True))


def _match_lines(expected: list[str], actual: list[str]) -> bool:
    """Line by line; an ANY_LINES line takes zero or more actual lines."""
    if not expected:
        return not actual
    if expected[0].rstrip("\n") == ANY_LINES:
        return any(_match_lines(expected[1:], actual[skip:]) for skip in range(len(actual) + 1))
    return bool(actual) and actual[0] == expected[0] and _match_lines(expected[1:], actual[1:])


def observable(output: str, error_line: str = "") -> str:
    """What a case shows: its output, then the last traceback line if it raised."""
    return output + (error_line + "\n" if error_line else "")


def last_error_line(traceback_text: str) -> str:
    lines = [line for line in traceback_text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def read_exp(path: Path, reason_line: bool = True) -> Expected:
    """A .exp file; with ``reason_line``, a first line starting with "#" says
    why it differs from CPython (docs/cases.md) and is not output."""
    if not reason_line:
        text = path.read_bytes().decode("utf-8", "replace")
        return Expected(text, ".exp", any_lines=ANY_LINES in text.splitlines())
    lines = path.read_text(encoding="utf-8").splitlines(True)
    reason = ""
    if lines and lines[0].startswith("#"):
        reason = lines[0][1:].strip()
        lines = lines[1:]
    return Expected("".join(lines), ".exp", reason)


def run_cpython(path: Path, strict: bool = False) -> Expected:
    """CPython's output for the script at ``path``. ``strict`` (corpus
    scripts): any uncaught exception means CPython cannot run it, and the
    script's folder is on sys.path, so its helper modules import."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(PYTHONHASHSEED="0", PYTHONIOENCODING="utf-8", PYTHONDONTWRITEBYTECODE="1")
    # -I leaves the script's folder off sys.path; -E -s keep it, and still
    # ignore the environment and the user's site-packages.
    # -B: -E ignores PYTHONDONTWRITEBYTECODE, and a helper's __pycache__
    # must not appear in the user's corpus.
    isolation = ["-E", "-s", "-B"] if strict else ["-I"]
    try:
        proc = subprocess.run([sys.executable, *isolation, str(path)], capture_output=True, cwd=path.parent,
                              env=env, timeout=CPYTHON_TIMEOUT, preexec_fn=_bound_memory)
    except subprocess.TimeoutExpired:
        return Expected(missing=f"CPython did not finish within {CPYTHON_TIMEOUT:g} s (the oracle's time bound)")
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode == 0:
        return Expected(observable(out), "cpython")
    last = last_error_line(err)
    if last.startswith("MemoryError") or (not last and "MemoryError" in err):
        return Expected(missing=f"CPython ran out of memory: the oracle may use {CPYTHON_MEMORY >> 20} MiB")
    if last.startswith(("SyntaxError", "ImportError", "ModuleNotFoundError", "IndentationError")):
        return Expected(missing=f"CPython cannot run it: {last}")
    if strict:
        # A corpus script ending in an exception under CPython uses what
        # CPython lacks (micropython.const, a port module) or differs from
        # it; without a .exp there is nothing trustworthy to compare with.
        status = last or f"exit status {proc.returncode}"
        return Expected(missing=f"CPython cannot run it: {status}")
    return Expected(observable(out, last), "cpython")


class Oracle:
    """Expected outputs, with CPython's cached by case content and CPython version."""

    def __init__(self, cache: Path):
        self.cache = cache / "expected"
        self.cache.mkdir(parents=True, exist_ok=True)
        self.tag = f"{sys.implementation.cache_tag}-{sys.version_info.micro}"

    def expected(self, case: Case, program: bytes | None = None) -> Expected:
        """The case's expected output; ``program`` is what actually runs when
        it differs from the case file (a benchmark with its driver)."""
        if case.exp_path is not None:
            return read_exp(case.exp_path, getattr(case, "exp_reason_line", True))
        program = case.source if program is None else program
        # A corpus script's helper modules shape its output too.
        helpers = b"".join(path.encode() + Path(source).read_bytes() for path, source in getattr(case, "helpers", ()))
        strict = bool(getattr(case, "corpus", ""))
        key = hashlib.sha256(program + helpers + (b"strict" if strict else b"") + self.tag.encode()).hexdigest()
        stored = self.cache / f"{key}.json"
        if stored.exists():
            return Expected(**json.loads(stored.read_text()))
        if program == case.source:
            result = run_cpython(case.path, strict)
        else:
            with tempfile.TemporaryDirectory(prefix="hil-oracle-") as tmp:
                scratch = Path(tmp) / case.path.name
                scratch.write_bytes(program)
                result = run_cpython(scratch)
        tmp = stored.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(result.__dict__))
        tmp.replace(stored)
        return result
