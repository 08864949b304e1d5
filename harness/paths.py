"""Where things live: the repository's folders and the harness cache."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ConfigError

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
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"the cache folder {path} cannot be made: {exc.strerror}",
                          "point --hil-cache or HIL_CACHE at a folder you may write (or unset it)") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ConfigError(f"the cache folder {path} is not writable",
                          "point --hil-cache or HIL_CACHE at a folder you may write (or unset it)")
    return path


def overlaps(a: Path, b: Path) -> bool:
    """``a`` and ``b`` are the same folder, or one lies inside the other."""
    return a == b or b in a.parents or a in b.parents
