"""newlib's libm for the host runners: the board's math code, for its mirror.

The Cortex-M0 boards link arm-none-eabi's newlib libm. A host runner built
with ``LIBM = "newlib"`` in its target's ``make`` table (the posix board
layer, targets/boards/posix/board.mk) links the same libm instead of the
host's, built for the host from Debian's ``newlib-source``: the source of
the ``libnewlib-arm-none-eabi`` the boards link
(targets/boards/posix/newlib-libm.mk says how it holds by construction).

It is built once per cache (harness/build.py: keyed by the source archive's
sha256, the board's libm.a, the makefile and its glue, and BITS) and handed
to the runner's build as ``NEWLIB_LIBM``; the runner's build key follows it.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from .build import BuildResult, BuildSpec, build
from .errors import BuildError, SourceError
from .paths import TARGETS_DIR
from .vmsource import VMSource, made_once, sha256_file

SOURCE_FOLDER = Path("/usr/src/newlib")          # where Debian's newlib-source puts its archive
SOURCE_PACKAGE = "newlib-source"
BOARD_PACKAGE = "libnewlib-arm-none-eabi"        # the C library the Cortex-M0 boards link
LIBM_VARIABLE = "LIBM"                           # board.mk's choice of libm: host or newlib
ARCHIVE_VARIABLE = "NEWLIB_LIBM"                 # board.mk's name for the archive built here
# Every Cortex-M0/M0+ board of targets/boards links the thumb/v6-m/nofp
# multilib: one libm.a for both.
ARM_CPUFLAGS = "-mcpu=cortex-m0 -mthumb"
ARM_CC = "arm-none-eabi-gcc"
MAKEFILE = "boards/posix/newlib-libm.mk"
GLUE = TARGETS_DIR / "boards" / "posix" / "newlib"
# What of the archive the build reads: the rest (libc, libgloss, ~100 MB
# unpacked) stays packed.
_WANTED = ("newlib/libm/", "newlib/libc/include/")


def source_archive(folder: Path | None = None) -> Path:
    """The newlib source archive newlib-source installed (in ``folder``,
    else SOURCE_FOLDER)."""
    folder = folder or SOURCE_FOLDER
    found = sorted(folder.glob("newlib-*.tar.xz")) if folder.is_dir() else []
    if not found:
        raise SourceError(
            f"no newlib source archive in {folder}: the host runners with LIBM=newlib build the boards' "
            "math library from it",
            f"install it: apt install {SOURCE_PACKAGE}")
    if len(found) > 1:
        raise SourceError(f"{folder} holds {len(found)} newlib source archives ({', '.join(p.name for p in found)})",
                          f"keep the one {SOURCE_PACKAGE} installs")
    return found[0]


def _package_version(package: str) -> str | None:
    """The installed version of a Debian package; None where dpkg cannot say."""
    try:
        proc = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True)
    except FileNotFoundError:
        return None
    return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip() else None


def check_same_newlib(source_version: str | None, board_version: str | None) -> None:
    """The source archive must be the source of the libm the boards link:
    both packages come from Debian's one newlib source package, so they
    must have the same version (where dpkg knows both)."""
    if source_version and board_version and source_version != board_version:
        raise SourceError(
            f"{SOURCE_PACKAGE} {source_version} is not the source of the {BOARD_PACKAGE} {board_version} the "
            "boards link: the host runners would run other math code than the boards",
            f"install the same version of both: apt install {SOURCE_PACKAGE}={board_version}")


def arm_libm() -> Path:
    """The libm.a the Cortex-M0 boards link, as their compiler finds it."""
    try:
        proc = subprocess.run([ARM_CC, *ARM_CPUFLAGS.split(), "-print-file-name=libm.a"],
                              capture_output=True, text=True)
    except FileNotFoundError:
        raise BuildError(f"{ARM_CC} is not installed: the boards' libm.a is what the host runners' libm mirrors",
                         f"install it: apt install gcc-arm-none-eabi {BOARD_PACKAGE}") from None
    path = Path(proc.stdout.strip())
    if proc.returncode != 0 or not path.is_absolute() or not path.is_file():
        raise BuildError(f"{ARM_CC} {ARM_CPUFLAGS} finds no libm.a",
                         f"install it: apt install {BOARD_PACKAGE}")
    return path.resolve()


def _wanted(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    inner = member.name.split("/", 1)[1] if "/" in member.name else ""
    if not inner.startswith(_WANTED):
        return None
    return tarfile.data_filter(member, path)


def unpacked_source(archive: Path, cache: Path) -> VMSource:
    """The parts of ``archive`` the build reads, unpacked once into ``cache``."""
    digest = sha256_file(archive)
    src_dir = cache / "src"
    root = src_dir / f"{archive.name.removesuffix('.tar.xz')}-libm-{digest[:12]}"

    def unpack() -> None:
        with tempfile.TemporaryDirectory(dir=src_dir) as tmp:
            try:
                with tarfile.open(archive) as tar:
                    tar.extractall(tmp, filter=_wanted)
            except (tarfile.TarError, OSError, EOFError) as exc:
                raise SourceError(f"{archive} could not be unpacked: {exc}",
                                  f"reinstall it: apt install --reinstall {SOURCE_PACKAGE}") from None
            tops = [p for p in Path(tmp).iterdir() if (p / "newlib" / "libm").is_dir()]
            if len(tops) != 1:
                raise SourceError(f"{archive} holds no newlib/libm/ under one top folder",
                                  f"reinstall it: apt install --reinstall {SOURCE_PACKAGE}")
            shutil.move(str(tops[0]), str(root))

    made_once(root, root.is_dir, unpack)
    return VMSource(root=root, digest=digest, origin=str(archive))


def libm_spec(arm_archive: Path, source: VMSource, bits: str) -> BuildSpec:
    return BuildSpec(
        name=f"newlib-libm-{bits}", directory=TARGETS_DIR, makefile=MAKEFILE,
        variables={"NEWLIB_DIR": str(source.root), "ARM_LIBM": str(arm_archive), "ARM_CPUFLAGS": ARM_CPUFLAGS,
                   "BITS": bits},
        product="libm.a", inputs=(TARGETS_DIR / MAKEFILE, TARGETS_DIR / "boards" / "posix" / "fp.mk", GLUE),
        # The board's archive counts by its content: a new toolchain is a new libm.
        config_files=(arm_archive,), path_variables=("ARM_LIBM",), location_variables=("NEWLIB_DIR",))


def build_libm(cache: Path, bits: str, folder: Path | None = None) -> BuildResult:
    """newlib's libm for the host (``bits``: 32 or 64), built once per
    cache; a fresh build's seconds count the unpacking too."""
    started = time.monotonic()
    archive = source_archive(folder)
    check_same_newlib(_package_version(SOURCE_PACKAGE), _package_version(BOARD_PACKAGE))
    arm_archive = arm_libm()
    source = unpacked_source(archive, cache)
    result = build(libm_spec(arm_archive, source, bits), source, cache)
    if not result.ran_make:
        return result
    result = dataclasses.replace(result, seconds=time.monotonic() - started)
    print(f"bytecode-hil: built newlib's libm for the {bits}-bit host runners from {archive} in "
          f"{result.seconds:.1f} s (once per cache: {result.folder})", file=sys.stderr)
    return result


def with_host_libm(spec: BuildSpec, cache: Path) -> BuildSpec:
    """``spec`` with ``NEWLIB_LIBM`` when its make variables ask for
    LIBM=newlib (building that libm first), keyed by the libm build's folder."""
    if spec.variables.get(LIBM_VARIABLE) != "newlib":
        return spec
    libm = build_libm(cache, str(spec.variables.get("BITS", "64")))
    return dataclasses.replace(spec, variables={**spec.variables, ARCHIVE_VARIABLE: str(libm.product)},
                               location_variables=(*spec.location_variables, ARCHIVE_VARIABLE))
