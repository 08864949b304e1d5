"""Conformance cases: discovery, directives, and what a target must have to run them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError

_DIRECTIVE = re.compile(r"#\s*(requires|heap|timeout|xfail|perf|perf-tolerance):\s*(.*?)\s*$")
# Features a VM build may lack (docs/cases.md); INFO lists those it has.
OPTIONAL_FEATURES = frozenset({
    "float", "double", "float32", "bigint", "unicode", "frozenset", "memoryview", "bytes-hex",
    "str-partition", "str-center", "str-splitlines", "reverse-ops", "special-methods", "inplace-ops",
    "slice-assign", "descriptors", "slice-attrs", "slice-indices", "round-int", "pow3", "ordereddict",
    "deque", "next-default", "setattr-delattr", "function-attrs", "notimplemented", "range-binop",
    "sys-maxsize", "sys-stdfiles",
})
_MODULE_FEATURE = re.compile(r"^module:[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Case:
    id: str                   # path below the suite root, without .py: "ints/floordiv"
    path: Path
    root: Path
    requires: frozenset = frozenset()
    heap: int = 0             # smallest heap it needs, bytes
    timeout: float | None = None
    xfail: str = ""           # documented deviation
    exp_path: Path | None = None
    perf_unit: str = ""       # a benchmark: the unit of work bench() does per scale step
    perf_tolerance: float | None = None  # allowed slowdown against the baseline, this case only

    @property
    def area(self) -> str:
        return self.id.split("/", 1)[0] if "/" in self.id else ""

    @property
    def source(self) -> bytes:
        return self.path.read_bytes()

    def program(self, scale: int = 1, heap: int = 0) -> bytes:
        """What runs: the case itself, or for a benchmark the case with the
        driver appended (docs/cases.md), sized for the target."""
        if not self.perf_unit:
            return self.source
        driver = (f"\nHIL_SCALE = {scale}\nHIL_HEAP = {heap}\n"
                  "print('perf', 'ok' if check(HIL_SCALE, bench(HIL_SCALE, HIL_HEAP)) else 'WRONG')\n")
        return self.source.rstrip(b"\n") + b"\n" + driver.encode()

    @property
    def filename(self) -> str:
        """The name the compiled blob carries into tracebacks."""
        return self.id + ".py"


def parse_directives(path: Path) -> dict:
    """Read the directive comments at the top of a case (docs/cases.md)."""
    found: dict = {}
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _DIRECTIVE.match(stripped)
        if not match:
            continue
        key, value = match.groups()
        where = f"{path}:{number}"
        if key == "requires":
            features = value.split()
            bad = [f for f in features if f not in OPTIONAL_FEATURES and not _MODULE_FEATURE.match(f)]
            if bad:
                raise ConfigError(f"{where}: unknown feature {', '.join(bad)}",
                                  "features are listed in docs/cases.md (float, bigint, module:NAME, ...)")
            found["requires"] = frozenset(features)
        elif key == "heap":
            try:
                found["heap"] = int(value.replace("_", ""))
            except ValueError:
                raise ConfigError(f"{where}: heap wants a number of bytes, not {value!r}") from None
        elif key == "timeout":
            try:
                found["timeout"] = float(value)
            except ValueError:
                raise ConfigError(f"{where}: timeout wants seconds, not {value!r}") from None
        elif key == "perf":
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9 _-]*", value):
                raise ConfigError(f"{where}: perf names the unit of work, e.g. '# perf: boards'")
            found["perf_unit"] = value
        elif key == "perf-tolerance":
            try:
                found["perf_tolerance"] = float(value.rstrip("%")) / (100 if value.endswith("%") else 1)
            except ValueError:
                raise ConfigError(f"{where}: perf-tolerance wants a fraction or a percentage, not {value!r}") from None
        elif key == "xfail":
            if not value:
                raise ConfigError(f"{where}: xfail needs a reason")
            found["xfail"] = value
    return found


def load_case(path: Path, root: Path) -> Case:
    path = path.resolve()
    root = root.resolve()
    case_id = path.relative_to(root).with_suffix("").as_posix()
    exp = path.with_suffix(".exp")
    return Case(id=case_id, path=path, root=root, exp_path=exp if exp.exists() else None,
                **parse_directives(path))


def discover(root: Path) -> list[Case]:
    """Every case under ``root``, in a stable order."""
    return [load_case(p, root) for p in sorted(root.rglob("*.py")) if not p.name.startswith("_")]


def unmet_needs(case: Case, features: frozenset, heap: int) -> str:
    """Why a target with ``features`` and ``heap`` bytes cannot run ``case`` ('' if it can)."""
    missing = sorted(case.requires - features)
    if missing:
        return f"target lacks {', '.join(missing)}"
    if case.heap and heap and case.heap > heap:
        return f"needs a {case.heap}-byte heap, target has {heap}"
    return ""
