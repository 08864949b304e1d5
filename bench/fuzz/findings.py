"""Stored findings: tests/fuzz/findings/<key>.mpy (a blob) or <key>.frames (a
byte stream for the booter), each with <key>.json beside it; another fuzz
target's in tests/fuzz/findings/<target>/ (a PikaScript blob: <key>.py.o or
<key>.py.a).

One file pair per dedup key, so the folder holds only distinct findings; a
new input for a stored key replaces the old one only if it is smaller.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from harness.paths import REPO_ROOT

FINDINGS_DIR = REPO_ROOT / "tests" / "fuzz" / "findings"
SUFFIX = {"blobs": ".mpy", "frames": ".frames"}
DEFAULT_TARGET = "host-asan"


def findings_dir(target: str) -> Path:
    """Where the fuzz target ``target``'s findings are kept (MicroPython's
    host-asan: the folder itself, as before there were others)."""
    return FINDINGS_DIR if target == DEFAULT_TARGET else FINDINGS_DIR / target


@dataclass
class StoredFinding:
    key: str
    mode: str          # blobs or frames
    data: bytes
    meta: dict
    path: Path


def store(folder: Path, key: str, mode: str, data: bytes, meta: dict, suffix: str = "") -> tuple[Path, bool]:
    """Write a finding (``suffix``: its file's, by default the mode's);
    (its path, whether anything was written)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{key}{suffix or SUFFIX[mode]}"
    if path.exists() and len(path.read_bytes()) <= len(data):
        return path, False
    path.write_bytes(data)
    meta = {"key": key, "mode": mode, "input": path.name, "size": len(data), **meta}
    (folder / f"{key}.json").write_text(json.dumps(meta, indent=2, sort_keys=False) + "\n")
    return path, True


def load_all(folder: Path = FINDINGS_DIR) -> list[StoredFinding]:
    found = []
    for meta_path in sorted(folder.glob("*.json")):
        meta = json.loads(meta_path.read_text())
        data_path = folder / meta["input"]
        found.append(StoredFinding(meta["key"], meta["mode"], data_path.read_bytes(), meta, data_path))
    return found
