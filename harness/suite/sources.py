"""A VM source as a run names it (``--vm-src``, an A/B's ``--a`` and ``--b``).

One item names one source:

- ``pinned``: the pin each target names (the profile's default when none);
- ``pinned:PIN``: another pin of the VM (``pinned:1.8.6``);
- ``PATH``: a checkout (a folder), or a pinned archive (a file);
- ``PATH@REV``: a git revision of the checkout at ``PATH`` (a commit, tag or
  branch), exported with ``git archive`` into the cache: the checkout is only
  read, never written (no worktree, no stash, no checkout of the revision).

The profile (``VMProfile.source``) turns what the item names into a source
tree, so every VM's pins and checkouts work alike.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ConfigError, SourceError
from ..vms.base import VMProfile
from ..vmsource import VMSource, made_once

PINNED = "pinned"
EXPORTS = "checkouts"   # in the cache: one folder per exported revision
_DONE = ".exported"


@dataclass(frozen=True)
class SourceSpec:
    text: str        # as given
    pin: str = ""    # pinned:PIN ('' with no path: the target's own pin)
    path: str = ""   # a checkout or an archive
    rev: str = ""    # a git revision of the checkout at ``path``

    @property
    def pinned(self) -> bool:
        return not self.path

    def describe(self) -> str:
        if self.pinned:
            return f"pinned {self.pin}" if self.pin else "pinned (each target's pin)"
        return f"{self.path}@{self.rev}" if self.rev else self.path


def parse_source(text: str, option: str = "--vm-src", strict: bool = False) -> SourceSpec:
    """One item of a source option; a ``ConfigError`` saying what a source
    is when it is none. A path that does not exist is taken as it is, for
    the profile to say what it lacks, unless ``strict``."""
    text = text.strip()
    if text == PINNED:
        return SourceSpec(text)
    if text.startswith(PINNED + ":"):
        pin = text[len(PINNED) + 1:]
        if not pin:
            raise ConfigError(f"{option} {text}: no pin after 'pinned:'", "e.g. pinned:1.8.6, or pinned for "
                              "the pin each target names")
        return SourceSpec(text, pin=pin)
    if not text:
        raise ConfigError(f"{option}: an empty source", _WHAT)
    if Path(text).expanduser().exists():
        return SourceSpec(text, path=str(Path(text).expanduser().resolve()))
    path, at, rev = text.rpartition("@")
    if at and path and Path(path).expanduser().is_dir():
        if not rev:
            raise ConfigError(f"{option} {text}: no revision after '@'", "e.g. PATH@HEAD~1, PATH@v1.23.0")
        return SourceSpec(text, path=str(Path(path).expanduser().resolve()), rev=rev)
    if not strict:
        return SourceSpec(text, path=text)
    raise ConfigError(f"{option} {text}: no such folder or file" + (f" ({path} is no folder either)" if at else ""),
                      _WHAT)


_WHAT = "a source is pinned, pinned:PIN, a checkout PATH, a pinned archive PATH, or PATH@REV (a git revision)"


def check_source(text: str, option: str) -> SourceSpec:
    """A source an A/B is asked to build, checked before anything runs:
    its folder or file exists, its revision is a commit of its checkout."""
    spec = parse_source(text, option, strict=True)
    if spec.rev:
        try:
            resolve_revision(Path(spec.path), spec.rev)
        except SourceError as exc:
            raise ConfigError(f"{option} {exc.message}", exc.hint) from None
    return spec


def git(checkout: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(checkout), *args], capture_output=True, timeout=600)
    except FileNotFoundError:
        raise SourceError(f"{checkout}@...: git is not installed", "install git, or give the checkout "
                          "itself (a folder) as the source") from None


def resolve_revision(checkout: Path, rev: str) -> str:
    """The full commit ``rev`` names in the git checkout ``checkout``."""
    if git(checkout, "rev-parse", "--git-dir").returncode != 0:
        raise SourceError(f"{checkout}@{rev}: {checkout} is not a git checkout",
                          "give a revision of a git checkout, or the folder itself (without @REV)")
    found = git(checkout, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if found.returncode != 0:
        raise SourceError(f"{checkout}@{rev}: no commit {rev!r} in that checkout",
                          f"git -C {checkout} log --oneline lists its commits (a branch, tag or commit)")
    return found.stdout.decode().strip()


def export_revision(checkout: Path, rev: str, cache: Path) -> tuple[Path, str]:
    """The tree of ``rev`` in ``checkout``, exported once into the cache
    (``git archive``: tracked files, no submodules); and its commit."""
    commit = resolve_revision(checkout, rev)
    folder = cache / EXPORTS / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', checkout.name)}-{commit[:12]}"

    def export() -> None:
        shutil.rmtree(folder, ignore_errors=True)   # an export cut short
        with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
            archive = Path(tmp) / "tree.tar"
            made = git(checkout, "archive", "--format=tar", "-o", str(archive), commit)
            if made.returncode != 0:
                raise SourceError(f"{checkout}@{rev}: git archive failed: {made.stderr.decode().strip()[-500:]}")
            with tarfile.open(archive) as tar:
                tar.extractall(Path(tmp) / "tree", filter="data")
            (Path(tmp) / "tree" / _DONE).write_text(commit + "\n")
            shutil.move(str(Path(tmp) / "tree"), str(folder))

    made_once(folder, (folder / _DONE).is_file, export)
    return folder, commit


def resolve(profile: VMProfile, spec: SourceSpec | None, cache: Path, target_pin: str = "") -> VMSource:
    """The source tree ``spec`` names for ``profile``'s VM (None: the target's pin)."""
    if spec is None or spec.pinned:
        pin = (spec.pin if spec else "") or target_pin
        if pin and pin not in profile.pins:
            raise SourceError(f"{profile.title} has no pinned source {pin!r}",
                              f"its pins: {', '.join(profile.pins) or 'none'}")
        return profile.source(cache, None, pin)
    if not spec.rev:
        return profile.source(cache, spec.path, "")
    folder, commit = export_revision(Path(spec.path), spec.rev, cache)
    source = profile.source(cache, str(folder), "")
    return replace(source, origin=f"{spec.path}@{spec.rev} (commit {commit[:12]})")


def tree_of(spec: SourceSpec, cache: Path) -> Path | None:
    """The folder or file ``spec`` names, a revision exported; None when pinned."""
    if spec.pinned:
        return None
    return export_revision(Path(spec.path), spec.rev, cache)[0] if spec.rev else Path(spec.path)
