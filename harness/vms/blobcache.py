"""Compiled blobs, cached by what made them: the compiler's identity and the program.

Every VM's compiler runs as a process on files; a blob it made once is kept
under the cache's ``blobs/`` by a digest of its inputs, so a suite run again
compiles nothing. Parallel workers may race to store one: stores are atomic.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

from ..procs import owned_name, sweep_stale

TMP_PREFIX = "tmp-"


class BlobCache:
    def __init__(self, cache: Path, suffix: str):
        self.folder = cache / "blobs"
        self.suffix = suffix
        sweep_stale(self.folder, TMP_PREFIX)

    def get(self, parts: list[bytes], make: Callable[[Path], None]) -> bytes:
        """The blob for ``parts`` (everything it depends on); ``make(path)``
        writes it to ``path`` when it is not cached (and raises when it cannot)."""
        key = hashlib.sha256(b"\0".join(parts)).hexdigest()
        cached = self.folder / key[:2] / f"{key}{self.suffix}"
        if cached.exists():
            return cached.read_bytes()
        cached.parent.mkdir(parents=True, exist_ok=True)
        # Temporary names carry our PID: a killed run's leftovers get swept.
        tmp = self.folder / f"{owned_name(TMP_PREFIX)}{key}{self.suffix}"
        try:
            make(tmp)
            blob = tmp.read_bytes()
            tmp.replace(cached)   # atomic
            return blob
        finally:
            tmp.unlink(missing_ok=True)

    def _path(self, parts: list[bytes]) -> Path:
        key = hashlib.sha256(b"\0".join(parts)).hexdigest()
        return self.folder / key[:2] / f"{key}{self.suffix}"

    def lookup(self, parts: list[bytes]) -> bytes | None:
        """What was stored for ``parts``, or None."""
        path = self._path(parts)
        return path.read_bytes() if path.exists() else None

    def put(self, parts: list[bytes], data: bytes) -> None:
        """Store ``data`` for ``parts`` (atomically)."""
        path = self._path(parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f"{owned_name(TMP_PREFIX)}{path.name}"
        tmp.write_bytes(data)
        tmp.replace(path)

    def scratch(self, name: str) -> Path:
        """A temporary file name of ours in the cache (for a compiler's input)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / f"{owned_name(TMP_PREFIX)}{name}"
