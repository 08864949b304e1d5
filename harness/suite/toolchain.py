"""A VM's toolchain: its source and compiler, prepared once per run for every target of that VM.

``Toolchain`` is one VM (one pin of it): its profile, its source and the
compilers built from it. ``Toolchains`` gives each target of a run the
toolchain of its VM and pin, preparing each once, and keeps a failure so
every target of that VM reports it instead of building again.

``--vm-src`` (``HIL_VM_SRC``) names the source to build instead of a pin
(harness/suite/sources.py: ``pinned``, ``pinned:PIN``, a checkout or pinned
archive ``PATH``, a git revision ``PATH@REV``): a bare one goes to the VM
whose profile recognises it (``pinned`` to every VM); ``NAME=SOURCE[,...]``
names the VM of each.
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
from .sources import SourceSpec, parse_source, resolve, tree_of


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
    def prepare(cls, vm: str, cache: Path | None = None, vm_src: "str | SourceSpec | None" = None, pin: str = "",
                target: Target | None = None) -> "Toolchain":
        """The VM's source (``vm_src``: one source, harness/suite/sources.py;
        None: the pin ``pin``), fetched and verified, and its compiler built
        (for ``target`` when its compiler depends on the target)."""
        cache = cache or cache_dir()
        profile = vm_profiles.get(vm)()
        spec = parse_source(vm_src) if isinstance(vm_src, str) else vm_src
        toolchain = cls(profile, resolve(profile, spec, cache, pin), cache)
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


def split_vm_sources(value: str | None) -> dict[str, SourceSpec]:
    """``--vm-src``: sources (harness/suite/sources.py), or ``NAME=SOURCE``
    pairs, comma-separated; a bare source is kept under the key ''."""
    sources: dict[str, SourceSpec] = {}
    for item in (value or "").split(","):
        item = item.strip()
        if not item:
            continue
        name, sep, rest = item.partition("=")
        if sep and name in vm_profiles.names():
            sources[name] = parse_source(rest)
        elif sep and "/" not in name and not Path(item).exists():
            raise ConfigError(f"--vm-src {item}: no VM named {name!r}",
                              f"VMs: {', '.join(vm_profiles.names())}; or give a bare source")
        else:
            sources[""] = parse_source(item)
    return sources


class Toolchains:
    """The toolchains of a run's targets, one per VM and source, each prepared once."""

    def __init__(self, cache: Path, vm_src: str | None = None):
        self.cache = cache
        self.sources = split_vm_sources(vm_src)
        self._prepared: dict[tuple[str, str], Toolchain | HarnessError] = {}
        self._lock = threading.RLock()

    def source_for(self, vm: str) -> SourceSpec | None:
        """The source the user gave for ``vm``: named for it, or a bare one
        its profile recognises, ``pinned`` (every VM's), or one no VM of the
        run recognises (the profile's own checks then say what is wrong
        with it). None: the target's pin."""
        if vm in self.sources:
            return self.sources[vm]
        bare = self.sources.get("")
        if bare is None or bare.pinned:
            return bare
        tree = tree_of(bare, self.cache)
        recognising = [name for name in vm_profiles.names() if vm_profiles.get(name)().recognises(tree)]
        return bare if vm in recognising or not recognising else None

    def for_target(self, target: Target) -> Toolchain:
        with self._lock:
            spec = self.source_for(target.vm)
            key = (target.vm, target.pin if spec is None or (spec.pinned and not spec.pin) else spec.text)
            if key not in self._prepared:
                try:
                    self._prepared[key] = Toolchain.prepare(target.vm, self.cache, spec, target.pin, target)
                except HarnessError as exc:
                    self._prepared[key] = exc
            found = self._prepared[key]
        if isinstance(found, HarnessError):
            # Without its old traceback: raised for every target of the VM.
            raise found.with_traceback(None)
        found.compiler_for(target)
        return found

    def source_of(self, target: Target) -> VMSource:
        """The source ``target`` builds, without building its compiler (a
        toolchain prepared already gives its own)."""
        spec = self.source_for(target.vm)
        key = (target.vm, target.pin if spec is None or (spec.pinned and not spec.pin) else spec.text)
        found = self._prepared.get(key)
        if isinstance(found, Toolchain):
            return found.source
        return resolve(vm_profiles.get(target.vm)(), spec, self.cache, target.pin)

    def prepared(self) -> list[Toolchain]:
        return [t for t in self._prepared.values() if isinstance(t, Toolchain)]
