"""Corpora: directories of plain test scripts written elsewhere (MicroPython's
tests/basics, a VM team's own), run as conformance suites with no change to
their files (docs/corpus.md).

A corpus script carries no directives. What a case of ours says in comments,
a corpus gets from its conventions and from an optional side file,
``hil-corpus.toml`` at its root: include and exclude globs and per-script
timeouts. Helper modules a script imports from its own directory are found
here and sent with it (the VM profile bundles them).
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from .cases import Case

SIDE_FILE = "hil-corpus.toml"
_SIDE_KEYS = {"include", "exclude", "timeouts"}


@dataclass(frozen=True)
class CorpusCase(Case):
    """A script of a corpus: a case without directives."""

    corpus: str = ""              # the corpus root, resolved: what its verdict history is kept by
    helpers: tuple = ()           # (relative path, source path) of each helper module it imports

    # A corpus's .exp is the expected output, byte for byte: a first line
    # starting with "#" is output, not a reason (cases.py's convention).
    exp_reason_line = False


@dataclass(frozen=True)
class SideFile:
    """What ``hil-corpus.toml`` says; empty when there is none."""

    path: Path | None = None
    include: tuple = ()
    exclude: tuple = ()
    timeouts: tuple = ()          # (glob, seconds), first match wins

    def timeout_for(self, case_id: str) -> float | None:
        for pattern, seconds in self.timeouts:
            if _matches(case_id, pattern):
                return seconds
        return None


def read_side_file(root: Path) -> SideFile:
    path = root / SIDE_FILE
    if not path.is_file():
        return SideFile()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - _SIDE_KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key {', '.join(unknown)}",
                          "the side file takes include, exclude (lists of globs) and a [timeouts] table "
                          "(docs/corpus.md)")

    def globs(key: str) -> tuple:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f"{path}: {key} wants a list of globs, e.g. {key} = [\"float_*\"]")
        return tuple(value)

    timeouts = data.get("timeouts", {})
    if not isinstance(timeouts, dict):
        raise ConfigError(f"{path}: timeouts wants a table of glob = seconds",
                          "e.g.\n[timeouts]\n\"gen_*\" = 30")
    pairs = []
    for pattern, seconds in timeouts.items():
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds <= 0:
            raise ConfigError(f"{path}: timeout for {pattern!r} wants a positive number of seconds, "
                              f"not {seconds!r}")
        pairs.append((pattern, float(seconds)))
    return SideFile(path, globs("include"), globs("exclude"), tuple(pairs))


def _matches(case_id: str, pattern: str) -> bool:
    """A glob against a script's id ("dir/name") or its file name ("dir/name.py");
    a pattern without a slash also matches the name alone."""
    names = [case_id, case_id + ".py"]
    if "/" not in pattern:
        base = case_id.rsplit("/", 1)[-1]
        names += [base, base + ".py"]
    return any(fnmatch.fnmatchcase(n, pattern) for n in names)


def split_patterns(value: str | None) -> tuple:
    return tuple(p.strip() for p in (value or "").split(",") if p.strip())


# --- Helper modules ------------------------------------------------------------

def _imported_names(source: str) -> set[str]:
    """Top-level names a script imports; by its syntax tree when CPython can
    parse it, else by a line scan (MicroPython-only syntax)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        names = set()
        for match in re.finditer(r"^\s*(?:import\s+([\w., ]+)|from\s+(\w[\w.]*)\s+import)", source, re.M):
            if match.group(1):
                names.update(part.split()[0] for part in match.group(1).split(",") if part.strip())
            else:
                names.add(match.group(2))
        return {n.split(".")[0] for n in names if n}
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _module_files(directory: Path, name: str) -> list[Path]:
    """The source files of module ``name`` in ``directory``: name.py, or every
    .py of the package folder name/ (with or without an __init__.py)."""
    single = directory / f"{name}.py"
    if single.is_file():
        return [single]
    package = directory / name
    if package.is_dir():
        return sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)
    return []


def find_helpers(script: Path) -> tuple:
    """Helper modules ``script`` imports from its own directory, and those
    they import in turn: (path relative to that directory, source path)
    pairs, in a stable order. The VM profile names them on the device."""
    directory = script.parent
    found: dict[str, Path] = {}
    queue = [script]
    seen = {script.resolve()}
    while queue:
        current = queue.pop()
        text = current.read_text(encoding="utf-8", errors="replace")
        for name in sorted(_imported_names(text)):
            for path in _module_files(directory, name):
                if path.resolve() in seen:
                    continue
                seen.add(path.resolve())
                found[path.relative_to(directory).as_posix()] = path
                queue.append(path)
    return tuple(sorted(found.items()))


# --- Collection ----------------------------------------------------------------

def _find_exp(path: Path) -> Path | None:
    # MicroPython names it script.py.exp; our own cases script.exp.
    for exp in (path.with_name(path.name + ".exp"), path.with_suffix(".exp")):
        if exp.is_file():
            return exp
    return None


def load_corpus_case(path: Path, root: Path, side: SideFile | None = None) -> CorpusCase:
    path = path.resolve()
    root = root.resolve()
    side = side if side is not None else read_side_file(root)
    case_id = path.relative_to(root).with_suffix("").as_posix()
    return CorpusCase(id=case_id, path=path, root=root, exp_path=_find_exp(path),
                      timeout=side.timeout_for(case_id), corpus=str(root), helpers=find_helpers(path))


@dataclass
class Corpus:
    """A directory of scripts, with the selection the user and its side file make."""

    root: Path
    include: tuple = ()
    exclude: tuple = ()
    side: SideFile = field(default_factory=SideFile)
    _helper_folders: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def open(cls, root: str | os.PathLike, include: tuple = (), exclude: tuple = ()) -> "Corpus":
        path = Path(root).expanduser()
        if not path.is_dir():
            raise ConfigError(f"corpus {root} is not a directory",
                              "give the folder holding the scripts, e.g. --corpus path/to/tests/basics")
        path = path.resolve()
        return cls(path, tuple(include), tuple(exclude), read_side_file(path))

    def selected(self, case_id: str) -> bool:
        """Options' patterns narrow the side file's: both includes must let a script in."""
        for patterns in (self.side.include, self.include):
            if patterns and not any(_matches(case_id, p) for p in patterns):
                return False
        return not any(_matches(case_id, p) for p in self.side.exclude + self.exclude)

    def script_paths(self) -> list[Path]:
        """Every selected script, recursively, in a stable order."""
        paths = []
        for path in sorted(self.root.rglob("*.py")):
            if not self.is_script(path):
                continue
            if self.selected(path.relative_to(self.root).with_suffix("").as_posix()):
                paths.append(path)
        return paths

    def is_script(self, path: Path) -> bool:
        """Whether ``path`` (a .py below the root) is a script, not a module
        of a helper folder, nor in a hidden folder or __pycache__. A folder is
        a helper when it is a package (it holds __init__.py) or when a script
        beside it imports it by name (MicroPython's misc/sys_settrace_subdir):
        the VM's own runner takes the scripts of the folders it is given, and
        what they import from a subfolder goes with them."""
        relative = path.resolve().relative_to(self.root)
        if "__pycache__" in relative.parts or any(part.startswith(".") for part in relative.parts):
            return False
        folder = path.resolve().parent
        while folder != self.root:
            if (folder / "__init__.py").is_file() or self._imported_by_neighbour(folder):
                return False
            folder = folder.parent
        return True

    def _imported_by_neighbour(self, folder: Path) -> bool:
        cached = self._helper_folders.get(folder)
        if cached is None:
            pattern = re.compile(rf"^\s*(?:from|import)\s+{re.escape(folder.name)}\b", re.M)
            cached = False
            for script in sorted(folder.parent.glob("*.py")):
                text = script.read_text(encoding="utf-8", errors="replace")
                # The line scan finds candidates; the syntax tree confirms.
                if pattern.search(text) and folder.name in _imported_names(text):
                    cached = True
                    break
            self._helper_folders[folder] = cached
        return cached

    def cases(self) -> list[CorpusCase]:
        return [load_corpus_case(p, self.root, self.side) for p in self.script_paths()]

    def contains(self, path: Path) -> bool:
        path = path.resolve()
        return path == self.root or self.root in path.parents


# --- The scripts' own skip convention --------------------------------------------

SKIP_OUTPUT = "SKIP\n"
_SKIP_PRINT = re.compile(r"""print\(\s*(['"])SKIP\1\s*\)""")


def skip_guard(source: str) -> str:
    """What a script tests before it prints SKIP: the body of the ``try``, or
    the ``if`` condition, just above its first SKIP; '' when not found."""
    lines = source.splitlines()
    for index, line in enumerate(lines):
        if not _SKIP_PRINT.search(line):
            continue
        for back in range(index - 1, max(-1, index - 12), -1):
            text = lines[back].strip()
            if text.startswith("if ") and text.endswith(":"):
                return text[3:-1].strip()
            if text == "try:":
                body = [lines[i].strip() for i in range(back + 1, index)
                        if lines[i].strip() and not lines[i].strip().startswith(("except", "#"))]
                return "; ".join(body[:3])
        return ""
    return ""


# --- Verdict history -------------------------------------------------------------

class VerdictHistory:
    """The last verdict of every script of one corpus on one target, kept
    between runs so a run can say which scripts changed."""

    def __init__(self, store: Path, corpus: str, target: str):
        digest = hashlib.sha256(corpus.encode()).hexdigest()[:16]
        self.path = store / "corpus-history" / f"{target}-{digest}.json"
        self.corpus = corpus
        self.target = target

    def load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}  # a damaged history only loses the comparison, never the run
        return data.get("verdicts", {}) if isinstance(data, dict) else {}

    def update(self, verdicts: dict[str, str]) -> list[tuple[str, str, str]]:
        """Store ``verdicts`` (script id -> verdict) over the last ones; return
        the scripts whose verdict changed: (id, old, new), old '' for a new script."""
        previous = self.load()
        # A first run has nothing to compare with.
        changed = [(case_id, previous.get(case_id, ""), verdict) for case_id, verdict in sorted(verdicts.items())
                   if previous and previous.get(case_id) != verdict]
        merged = {**previous, **verdicts}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"corpus": self.corpus, "target": self.target, "verdicts": merged},
                                  indent=1, sort_keys=True))
        tmp.replace(self.path)
        return changed


def describe_changes(changed: list[tuple[str, str, str]]) -> list[str]:
    return [f"{case_id}: {old or 'new'} -> {new}" for case_id, old, new in changed]


def record_corpus_run(cache: Path, corpus: str, target: str, verdicts: dict[str, str]) -> list[str]:
    """Store a corpus run's verdicts and say, in lines for a summary, what
    changed since the last run of that corpus on ``target``."""
    history = VerdictHistory(cache, corpus, target)
    first = not history.load()
    changed = history.update(verdicts)
    if first:
        return [f"corpus {corpus}: {len(verdicts)} scripts; its first run on {target}, kept to compare "
                f"the next run with"]
    return [f"corpus {corpus}: {len(verdicts)} scripts, {len(changed)} changed verdict since its last run "
            f"on {target}"] + [f"  {line}" for line in describe_changes(changed)]
