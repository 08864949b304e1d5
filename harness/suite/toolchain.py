"""A VM's toolchain: its source and compiler, prepared once per run for every target of that VM.

``Toolchain`` is one VM (one pin of it): its profile, its source and the
compilers built from it. ``Toolchains`` gives each target of a run the
toolchain of its VM and pin, preparing each once, and keeps a failure so
every target of that VM reports it instead of building again.

``--vm-src`` (``HIL_VM_SRC``) names the source to build instead of a pin:
``PATH`` (a checkout, or a pinned archive) goes to the VM whose profile
recognises it; ``NAME=PATH[,NAME=PATH]`` names the VM of each.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Sequence

from ..errors import ConfigError, HarnessError
from ..paths import cache_dir
from ..registry import vm_profiles
from ..targets import Target
from ..vms.base import Compiler, Module, VMProfile
from ..vmsource import VMSource


class Toolchain:
    """One VM's source and the compilers built from it (one per compiler key
    of its targets; MicroPython's targets share one)."""

    def __init__(self, profile: VMProfile, source: VMSource, cache: Path):
        self.profile = profile
        self.source = source
        self.cache = cache
        self._compilers: dict[str, Compiler] = {}
        self._lock = threading.Lock()

    @classmethod
    def prepare(cls, vm: str, cache: Path | None = None, vm_src: str | None = None, pin: str = "",
                target: Target | None = None) -> "Toolchain":
        """The VM's source, fetched and verified, and its compiler built (for
        ``target`` when its compiler depends on the target)."""
        cache = cache or cache_dir()
        profile = vm_profiles.get(vm)()
        toolchain = cls(profile, profile.source(cache, vm_src, pin), cache)
        toolchain.compiler_for(target)
        return toolchain

    def compiler_for(self, target: Target | None = None) -> Compiler:
        key = self.profile.compiler_key(target)
        with self._lock:
            if key not in self._compilers:
                self._compilers[key] = self.profile.build_compiler(self.source, self.cache, target)
            return self._compilers[key]

    @property
    def compiler(self) -> Compiler:
        """The compiler targets without a configuration of their own use."""
        return self.compiler_for(None)

    def compile(self, target: Target | None, program: bytes, name: str, modules: Sequence[Module] = ()) -> bytes:
        """``program`` (and the helper ``modules`` it imports) as one blob for ``target``."""
        return self.profile.compile(self.compiler_for(target), program, name, modules)

    def describe(self) -> str:
        return f"{self.profile.title} from {self.source.origin} ({self.source.short()})"


def split_vm_sources(value: str | None) -> dict[str, str]:
    """``--vm-src``: ``PATH``, or ``NAME=PATH`` pairs, comma-separated; a
    bare path is kept under the key ''."""
    sources: dict[str, str] = {}
    for item in (value or "").split(","):
        item = item.strip()
        if not item:
            continue
        name, sep, path = item.partition("=")
        if sep and name in vm_profiles.names():
            sources[name] = path
        elif sep and "/" not in name and not Path(item).exists():
            raise ConfigError(f"--vm-src {item}: no VM named {name!r}",
                              f"VMs: {', '.join(vm_profiles.names())}; or give a bare PATH")
        else:
            sources[""] = item
    return sources


class Toolchains:
    """The toolchains of a run's targets, one per VM and pin, each prepared once."""

    def __init__(self, cache: Path, vm_src: str | None = None):
        self.cache = cache
        self.sources = split_vm_sources(vm_src)
        self._prepared: dict[tuple[str, str], Toolchain | HarnessError] = {}
        self._lock = threading.RLock()

    def source_for(self, vm: str) -> str | None:
        """The source the user gave for ``vm``: named for it, or a bare path
        its profile recognises (or that no VM of the run recognises: then
        the profile's own checks say what is wrong with it)."""
        if vm in self.sources:
            return self.sources[vm]
        bare = self.sources.get("")
        if bare is None:
            return None
        path = Path(bare).expanduser()
        recognising = [name for name in vm_profiles.names() if vm_profiles.get(name)().recognises(path)]
        return bare if vm in recognising or not recognising else None

    def for_target(self, target: Target) -> Toolchain:
        key = (target.vm, target.pin)
        with self._lock:
            if key not in self._prepared:
                try:
                    self._prepared[key] = Toolchain.prepare(target.vm, self.cache, self.source_for(target.vm),
                                                            target.pin, target)
                except HarnessError as exc:
                    self._prepared[key] = exc
            found = self._prepared[key]
        if isinstance(found, HarnessError):
            # Without its old traceback: raised for every target of the VM.
            raise found.with_traceback(None)
        found.compiler_for(target)
        return found

    def prepared(self) -> list[Toolchain]:
        return [t for t in self._prepared.values() if isinstance(t, Toolchain)]
