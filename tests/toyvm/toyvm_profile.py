"""A toy VM, added to the harness as any VM is: a profile, a runner, a target file.

Its compiler is a Python function (a blob is ``TOY1``, the program's name,
a NUL and its source, once CPython's compiler has accepted the source); its
runner is a Python process speaking the booter protocol (booter.py beside
this file); its target, ``toy-host``, is in targets/ beside this file. The
harness finds all three through ``$HIL_PLUGINS=toyvm_profile`` and
``$HIL_TARGETS`` (tests/test_toy_vm.py): nothing of the project changes.

Its pinned source is this folder; a "checkout" of it (``--vm-src DIR``) is
any folder holding a ``booter.py``: the runner its firmware runs, and
perhaps a ``pad.txt``: a number of ``pass`` lines its compiler appends to
every program (a compiler whose code differs, the VM's the same). Two such
folders that differ make an A/B of two VM sources (tests/test_ab.py).
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path
from typing import Sequence

from harness.build import BuildResult, BuildSpec
from harness.errors import SourceError
from harness.registry import vm_profiles
from harness.vms.base import CompileError, Module, VMProfile
from harness.vmsource import VMSource

HERE = Path(__file__).resolve().parent
MAGIC = b"TOY1"


class ToyCompiler:
    """The toy VM's compiler: CPython's parser checks the program, the blob carries its source."""

    def __init__(self, build: BuildResult, padding: int = 0):
        self.build = build
        self.padding = padding
        self.identity = f"toy-1-pad{padding}"
        self.compiled: list[str] = []   # names, for tests that count the compiler's work

    def compile(self, source: bytes, name: str) -> bytes:
        try:
            compile(source, name, "exec")
        except SyntaxError as exc:
            raise CompileError(f"SyntaxError: {exc.msg} (line {exc.lineno})") from None
        self.compiled.append(name)
        return MAGIC + name.encode() + b"\0" + source + b"\npass" * self.padding


@vm_profiles.register("toyvm")
class ToyVMProfile(VMProfile):
    name = "toyvm"
    title = "ToyVM"
    compiler_name = "toyc"
    blob_suffix = ".toy"

    def source(self, cache: Path, vm_src: str | None = None, pin: str = "") -> VMSource:
        if vm_src:
            root = Path(vm_src).resolve()
            if not (root / "booter.py").is_file():
                raise SourceError(f"--vm-src {vm_src}: no booter.py there", "give a folder holding the toy's booter.py")
            pad = root / "pad.txt"
            digest = hashlib.sha256((root / "booter.py").read_bytes()
                                    + (pad.read_bytes() if pad.is_file() else b"")).hexdigest()
            return VMSource(root=root, digest=digest, origin=str(root))
        digest = hashlib.sha256((HERE / "booter.py").read_bytes() + Path(__file__).read_bytes()).hexdigest()
        return VMSource(root=HERE, digest=digest, origin="the toy VM of the harness's tests")

    def recognises(self, root: Path) -> bool:
        return (Path(root) / "booter.py").is_file()

    def build_compiler(self, source: VMSource, cache: Path, target=None) -> ToyCompiler:
        spec = BuildSpec(name="toyc", directory=HERE, makefile=None, product="toyc")
        pad = source.root / "pad.txt"
        return ToyCompiler(BuildResult(spec, HERE, HERE / "toyvm_profile.py", 0.0, False, HERE / "none.log"),
                           int(pad.read_text()) if pad.is_file() else 0)

    def compile(self, compiler: ToyCompiler, program: bytes, name: str, modules: Sequence[Module] = ()) -> bytes:
        if modules:
            raise CompileError("the toy VM takes no helper modules", module=modules[0][0])
        return compiler.compile(program, name)

    def build_firmware(self, target, source: VMSource, cache: Path, with_compiler: bool = False,
                       make_overrides: dict | None = None) -> BuildResult:
        started = time.monotonic()
        folder = cache / "build" / f"toy-{target.name}-{source.short()}"
        folder.mkdir(parents=True, exist_ok=True)
        runner = folder / "firmware"
        runner.write_text(f"#!{sys.executable}\nimport runpy, sys\nsys.path.insert(0, {str(HERE)!r})\n"
                          f"runpy.run_path({str(source.root / 'booter.py')!r}, run_name='__main__')\n")
        runner.chmod(0o755)
        spec = BuildSpec(name=f"toy-{target.name}", directory=folder, makefile=None, product="firmware")
        return BuildResult(spec, folder, runner, time.monotonic() - started, True, folder / "build.log")

    def check_blob(self, blob: bytes, info) -> str | None:
        if not blob.startswith(MAGIC):
            return "not a toy blob (no TOY1 header)"
        if info.get("toy") != "1":
            return f"the device loads toy blobs {info.get('toy') or 'of no version'}, this is version 1"
        return None

    def modules_capacity(self, info) -> int:
        return 0
