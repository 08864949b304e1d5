"""Where things live: the repository's folders and the harness cache."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGETS_DIR = REPO_ROOT / "targets"
CASES_DIR = REPO_ROOT / "cases"
REPORTS_DIR = REPO_ROOT / "reports"

CACHE_ENV = "HIL_CACHE"


def cache_dir(override: str | os.PathLike | None = None) -> Path:
    """The harness cache: ``override``, else $HIL_CACHE, else the XDG cache."""
    if override:
        path = Path(override)
    elif os.environ.get(CACHE_ENV):
        path = Path(os.environ[CACHE_ENV])
    else:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        path = Path(base) / "bytecode-hil"
    path = path.expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def overlaps(a: Path, b: Path) -> bool:
    """``a`` and ``b`` are the same folder, or one lies inside the other."""
    return a == b or b in a.parents or a in b.parents
