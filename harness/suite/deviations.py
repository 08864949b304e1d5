"""A VM's known deviations from CPython: its failing cases made xfail, by list.

A VM profile may ship a deviations file (``VMProfile.deviations_file``), and
``--deviations FILE`` (``HIL_DEVIATIONS``) replaces every profile's with the
user's (``none``: no list at all, every deviation a fail). The format, one
line a case under a header naming the VM and the pin it was seen on::

    [<vm> <pin>]
    # case | verdict | one-line reason | a minimal reproduction
    floats/float_str_repr | fail | repr() is no built-in (NameError) | print(repr(1.5))

The verdict is how the case is known to end, fail or vm-crash; in a
reproduction ``\\n`` is a line break. On a target of that VM and pin, the
listed case ending so is an xfail whose message leads with the reason and
keeps what happened (the diff too): a finding stays in every report, marked
as known. Ending otherwise, it keeps its verdict with a word on the list: a
known fail that now crashes the VM is a new finding, not the known one.
Strict, as pytest's xfail can be: a listed case that passes fails, kind
``xpass``, saying its line can go (an A/B counts that as better,
harness/ab/compare.py). Timeouts stay timeouts: a hang costs its time every
night and must be seen. Only the harness's own cases are listed: a corpus's
scripts are another folder's names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..paths import REPO_ROOT
from .verdict import CaseResult, Verdict

XPASS = "xpass"   # the kind of a listed case's fail: it passed
NONE = "none"     # --deviations none: no list
KNOWN_VERDICTS = (Verdict.FAIL, Verdict.VM_CRASH)
_HEADER = re.compile(r"\[\s*(\S+)\s+(\S+)\s*\]$")
_CASE_ID = re.compile(r"[\w.\-]+(/[\w.\-]+)*$")
_FORMAT = ("write [VM PIN] (the VM as target files name it, a pin of it), then one line a case: "
           "CASE | VERDICT | REASON | REPRODUCTION")


@dataclass(frozen=True)
class Deviation:
    case: str
    verdict: Verdict     # how the case is known to end
    reason: str
    reproduction: str
    where: str           # file:line, for the message that says where to change it

    @property
    def program(self) -> str:
        """The reproduction as a program."""
        return self.reproduction.replace("\\n", "\n") + "\n"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _line(text: str, where: str) -> tuple[str, Verdict, str, str]:
    parts = [p.strip() for p in text.split("|", 3)]
    if len(parts) != 4 or not all(parts):
        raise ConfigError(f"{where}: {text!r} is not CASE | VERDICT | REASON | REPRODUCTION", _FORMAT)
    case, verdict, reason, reproduction = parts
    if not _CASE_ID.match(case):
        raise ConfigError(f"{where}: {case!r} is no case id",
                          "a case id is its path below cases/ without .py, e.g. floats/float_str_repr")
    if verdict not in {v.value for v in KNOWN_VERDICTS}:
        raise ConfigError(f"{where}: {verdict!r} is no verdict a deviation ends in",
                          "write fail or vm-crash: a timeout stays a timeout, and a pass needs no line")
    return case, Verdict(verdict), reason, reproduction


def _check_header(vm: str, pin: str, where: str) -> None:
    """A header names a registered VM and one of its pins: a typo there
    would leave every line below it unused, silently."""
    from ..registry import vm_profiles

    if vm not in vm_profiles.names():
        raise ConfigError(f"{where}: [{vm} {pin}] names no VM", f"VMs: {', '.join(vm_profiles.names())}")
    pins = vm_profiles.get(vm).pins
    if pin not in pins:
        raise ConfigError(f"{where}: [{vm} {pin}] names no pin of {vm}", f"its pins: {', '.join(pins)}")


def read(path: Path) -> dict[tuple[str, str], dict[str, Deviation]]:
    """The file's lists, by (vm, pin); a malformed line is a ConfigError naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the deviations file {path}: {getattr(exc, 'strerror', None) or exc}",
                          "give --deviations a readable text file, or none") from None
    shown = _shown(path)
    lists: dict[tuple[str, str], dict[str, Deviation]] = {}
    current: dict[str, Deviation] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        line, where = line.strip(), f"{shown}:{number}"
        if not line or line.startswith("#"):
            continue
        header = _HEADER.match(line)
        if header:
            _check_header(header.group(1), header.group(2), where)
            current = lists.setdefault((header.group(1), header.group(2)), {})
            continue
        if current is None:
            raise ConfigError(f"{where}: a deviation before any [VM PIN] header", _FORMAT)
        case, verdict, reason, reproduction = _line(line, where)
        if case in current:
            raise ConfigError(f"{where}: {case} is listed twice for this VM and pin (first at "
                              f"{current[case].where})", "keep one line a case")
        current[case] = Deviation(case, verdict, reason, reproduction, where)
    return lists


class Deviations:
    """The run's deviation lists: the user's file, or each VM profile's own."""

    def __init__(self, chosen: str | None = None):
        self.chosen = chosen
        self._lists = read(Path(chosen).expanduser()) if chosen and chosen != NONE else None
        self._read: dict[Path, dict] = {}   # each profile's file, read once a run (a target may come up again)

    def of(self, profile, pin: str) -> dict[str, Deviation]:
        """The cases listed for ``profile``'s VM at ``pin`` ('': its default)."""
        if self.chosen == NONE:
            return {}
        lists = self._lists
        if lists is None:
            path = profile.deviations_file
            if path is not None and path not in self._read:
                self._read[path] = read(path)
            lists = self._read.get(path, {})
        return dict(lists.get((profile.name, pin or profile.default_pin), {}))


def parse_option(text: str) -> str:
    """``--deviations``: read now, so a bad file is a usage error before anything runs."""
    if text != NONE:
        read(Path(text).expanduser())
    return text


def apply(result: CaseResult, deviation: Deviation | None) -> CaseResult:
    """``result`` as its listed deviation makes it (unchanged when none)."""
    if deviation is None:
        return result
    if result.verdict is deviation.verdict:
        result.message = (f"known deviation ({deviation.where}): {deviation.reason}; "
                          f"{result.verdict.value}: {result.message}")
        result.verdict = Verdict.XFAIL
    elif result.verdict in KNOWN_VERDICTS:
        result.message += (f"\n(listed as a known {deviation.verdict.value}, {deviation.where}: "
                           f"{deviation.reason}; this {result.verdict.value} is not that one)")
    elif result.verdict is Verdict.PASS:
        result.verdict, result.kind = Verdict.FAIL, XPASS
        result.message = (f"listed as a known deviation ({deviation.reason}) but it passed: "
                          f"remove its line, {deviation.where}")
    return result
