"""Cached builds with make.

A build's folder is keyed by the VM source digest, the build's configuration
and the content of its port sources, so a folder holds exactly one firmware:
two checkouts sharing a cache never mix objects, and the key is an honest
build id. A folder whose build once completed is reused without running
make at all: its key already says its sources are unchanged, and its
completion record (``build.done``: the key, and a digest of each output) that
its outputs are as they were made; a damaged one is built again. Folders
unused for ``PRUNE_AFTER_DAYS`` are removed.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BuildError
from .vmsource import VMSource, sha256_file

PRUNE_AFTER_DAYS = 14


@dataclass(frozen=True)
class BuildSpec:
    name: str                   # e.g. "runner-host32-g030"
    directory: Path             # where make runs
    makefile: str | None        # -f argument, relative to directory
    variables: dict = field(default_factory=dict)
    product: str = ""           # path of the result, relative to the build folder
    inputs: tuple = ()          # files and folders whose change triggers make
    config_files: tuple = ()    # files whose content is part of the configuration (and the key)
    path_variables: tuple = ()  # variables naming one of config_files: their content counts, not the path
    # Variables naming a place whose content is keyed otherwise (the source
    # tree: its digest; another build's folder: its name holds its key):
    # keyed by their last two path components, so a cache moved or copied
    # elsewhere is the same cache.
    location_variables: tuple = ()
    jobs: int = 0               # 0: one per core

    def key(self, source: VMSource) -> str:
        h = hashlib.sha256()
        h.update(source.digest.encode())
        keyed = sorted((k, "/".join(Path(v).parts[-2:]) if k in self.location_variables else v)
                       for k, v in self.variables.items() if k not in self.path_variables)
        h.update(json.dumps([self.name, self.makefile, keyed]).encode())
        # A changed configuration header is a new configuration: MicroPython's
        # generated headers do not always follow it incrementally.
        for path in self.config_files:
            h.update(Path(path).read_bytes())
        # How make is run is part of what is built: a cache made before a
        # control was added holds builds made without it.
        h.update(" ".join(BUILD_ENVIRONMENT).encode())
        for name, path in _input_files(self.inputs):
            h.update(f"{name}\0{path.stat().st_size}\0".encode())
            h.update(path.read_bytes())
        return h.hexdigest()[:16]


@dataclass(frozen=True)
class BuildResult:
    spec: BuildSpec
    folder: Path
    product: Path
    seconds: float
    ran_make: bool
    log: Path

    @property
    def build_id(self) -> str:
        return self.folder.name.rsplit("-", 1)[-1]


BUILD_ENVIRONMENT = ("SOURCE_DATE_EPOCH", "GIT_CEILING_DIRECTORIES")


def build_environment(source: VMSource) -> dict:
    """The variables that keep a build the same bytes wherever and whenever
    it is made: the source's own date, and the source's own version (a VM's
    build may ask git for it, as MicroPython's does: an unpacked archive must
    not take that of a repository around the cache; a checkout still answers
    for itself)."""
    return {"SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH") or source_date(source),
            "GIT_CEILING_DIRECTORIES": ":".join(filter(None, (str(source.root.resolve().parent),
                                                               os.environ.get("GIT_CEILING_DIRECTORIES"))))}


def _input_files(inputs: tuple) -> list[tuple[str, Path]]:
    """Each input file with a name that does not depend on where the checkout is."""
    files: list[tuple[str, Path]] = []
    for item in map(Path, inputs):
        if item.is_dir():
            files += [(f"{item.name}/{p.relative_to(item).as_posix()}", p)
                      for p in sorted(item.rglob("*")) if p.is_file()]
        else:
            files.append((item.name, item))
    return files


def prune(cache: Path, older_than_days: float = PRUNE_AFTER_DAYS) -> list[Path]:
    """Remove build folders unused for ``older_than_days``; one being built is left alone."""
    removed = []
    limit = time.time() - older_than_days * 86400
    for folder in sorted((cache / "build").glob("*-*")):
        marker = folder / ".lock"
        if not folder.is_dir() or not marker.exists() or marker.stat().st_mtime > limit:
            continue
        with open(marker, "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _outputs(folder: Path, product: Path) -> list[Path]:
    """What a build's completion record vouches for: its product, and the
    images a flasher takes beside an ELF."""
    return [product] + [p for p in (product.with_suffix(".bin"), product.with_suffix(".hex"))
                        if product.suffix == ".elf" and p.exists()]


def _digests(folder: Path, outputs: list[Path]) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256_file(p) for p in outputs}


def _intact(folder: Path, product: Path, done_file: Path, key: str) -> bool | None:
    """Whether the completed build in ``folder`` is as it was made: True;
    False when an output changed since (truncated, overwritten); None when
    it never completed."""
    if not done_file.exists():
        return None
    try:
        record = json.loads(done_file.read_text())
    except ValueError:
        return None   # a record from before outputs were vouched for: build again
    if not isinstance(record, dict) or record.get("key") != key:
        return None
    want = record.get("outputs", {})
    for name, digest in want.items():
        path = folder / name
        if not path.is_file() or sha256_file(path) != digest:
            return False
    return product.exists() and bool(want)


def source_date(source: VMSource) -> str:
    """The build date a VM may stamp into its firmware (MicroPython's
    MICROPY_BUILD_DATE, in sys.version): its newest source file's time, so
    that one source gives the same bytes on any day and in any cache (an
    unpacked archive keeps its members' times)."""
    newest = max((p.stat().st_mtime for p in source.root.rglob("*") if p.is_file() and not p.is_symlink()),
                 default=0)
    return str(int(newest))


def build(spec: BuildSpec, source: VMSource, cache: Path, extra_vars: dict | None = None) -> BuildResult:
    """Build ``spec`` from ``source`` under ``cache``; reuse what is already
    built, once its outputs are checked against the completion record (a
    damaged build is made again, with a word to say so)."""
    folder = cache / "build" / f"{spec.name}-{spec.key(source)}"
    folder.mkdir(parents=True, exist_ok=True)
    product = folder / spec.product
    log = folder / "build.log"
    done_file = folder / "build.done"  # the key and the outputs' digests, once make succeeded
    started = time.monotonic()
    # One builder per folder at a time: pytest-xdist workers share the cache.
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        os.utime(folder / ".lock")  # the folder is in use: prune() goes by this time
        key = folder.name.rsplit("-", 1)[-1]
        intact = _intact(folder, product, done_file, key)
        if intact:
            return BuildResult(spec, folder, product, time.monotonic() - started, False, log)
        if intact is False:
            print(f"bytecode-hil: the cached build {folder.name} was damaged (an output changed since it was "
                  "built): building it again", file=sys.stderr)
            # make would take a damaged output with a new time for up to date.
            for path in _outputs(folder, product):
                path.unlink(missing_ok=True)
        done_file.unlink(missing_ok=True)
        variables = {**spec.variables, **(extra_vars or {}), "BUILD": str(folder)}
        cmd = ["make", "-C", str(spec.directory)]
        if spec.makefile:
            cmd += ["-f", spec.makefile]
        cmd += [f"-j{spec.jobs or os.cpu_count() or 1}"]
        cmd += [f"{k}={v}" for k, v in sorted(variables.items())]
        env = {**os.environ, **build_environment(source)}
        with open(log, "w") as out:
            out.write(" ".join([*(f"{k}={env[k]}" for k in BUILD_ENVIRONMENT), *cmd]) + "\n")
            out.flush()
            proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        if proc.returncode != 0 or not product.exists():
            tail = "".join(log.read_text(errors="replace").splitlines(True)[-25:])
            raise BuildError(
                f"building {spec.name} failed (make exit {proc.returncode}); last lines of {log}:\n{tail}",
                "fix the error above; the full log is in the file named",
            )
        record = {"key": key, "outputs": _digests(folder, _outputs(folder, product))}
        partial = done_file.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(record, indent=1))
        partial.replace(done_file)
    prune(cache)
    return BuildResult(spec, folder, product, time.monotonic() - started, True, log)
