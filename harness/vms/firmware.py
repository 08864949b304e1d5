"""The build of a VM's port for a target: what every VM's firmware build shares.

A VM's C side lives in ``targets/<vm>/``, entered through its make fragment
``port.mk``, which includes the target's board layer
(``targets/boards/<board>/board.mk``) and the shared rules in
``targets/common/``. The harness runs it with the target's ``make`` table,
the VM's own variables, ``BOARD``, ``CONFIG`` and ``BUILD``; a build folder
is keyed by all of it (harness/build.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..build import BuildResult, BuildSpec, build
from ..errors import ConfigError
from ..newlib import with_host_libm
from ..paths import TARGETS_DIR
from ..targets import Target
from ..vmsource import VMSource

SIGNING_KEY = "SIGNING_KEY_FILE"   # a make variable naming a file: its content is the key, never its path


def port_spec(vm_folder: str, target: Target, config_files: list[Path], variables: dict, locations: dict,
              with_compiler: bool = False, make_overrides: dict | None = None, name_prefix: str = "") -> BuildSpec:
    """The build of ``targets/<vm_folder>/port.mk`` for ``target``.
    ``config_files``: the VM's configuration headers and makefiles for the
    target (make does not rebuild on changed flags: their content is part of
    the key); ``variables``: the VM's own make variables; ``locations``: more
    of them, naming its source tree and the folders of its other builds (keyed
    by their last two path components: their content is keyed otherwise)."""
    board = TARGETS_DIR / "boards" / target.board
    if not (board / "board.mk").exists():
        raise ConfigError(f"target {target.name}: no board layer {board}",
                          f"name a folder of targets/boards/ as board in {target.path}")
    make = {**target.make, **(make_overrides or {})}
    suffix = "-compiler" if with_compiler else ""
    # The folder name is for people; the key after it is what identifies.
    parts = ["signed" if k == SIGNING_KEY else re.sub(r"[^A-Za-z0-9_.,=+-]", "_", str(v))
             for k, v in sorted(make.items())]
    name = f"{name_prefix}{target.board}-{target.config}{suffix}-" + "-".join(parts)
    vm_dir = TARGETS_DIR / vm_folder
    return BuildSpec(
        name=name.rstrip("-"), directory=TARGETS_DIR, makefile=f"{vm_folder}/port.mk",
        variables={"CONFIG": target.config, "BOARD": target.board, **variables, **locations, **make},
        product="firmware.elf", inputs=(TARGETS_DIR / "common", vm_dir, board),
        config_files=(*config_files, vm_dir / "port.mk", board / "board.mk",
                      *sorted((TARGETS_DIR / "common").glob("*.mk")),
                      *([make[SIGNING_KEY]] if SIGNING_KEY in make else [])),   # a new key is a new firmware
        path_variables=(SIGNING_KEY,), location_variables=tuple(locations))


def build_port(spec: BuildSpec, source: VMSource, cache: Path) -> BuildResult:
    """Build ``spec``; the build id the firmware announces names its
    configuration and source, so a board can tell whether it runs it already.
    A host runner that links newlib's libm (LIBM=newlib) gets it built
    first, and its key follows it."""
    spec = with_host_libm(spec, cache)
    return build(spec, source, cache, extra_vars={"BUILD_ID": spec.key(source)})
