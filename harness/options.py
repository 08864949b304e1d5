"""The options of a run: one table, one name each, for both front ends.

pytest (harness/plugin.py) adds every option marked for it to its
"bytecode-hil" group; ``python -m harness`` (harness/__main__.py) adds to
each command the options that command takes. Both read the values back into
one ``Settings``, where an option not given falls back to its environment
variable, then to its default, and is checked the same way: a bad value is
one clear usage error before anything runs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Callable

from .errors import ConfigError

DEFAULT_TARGET = "qemu-m0"

RUN = "run"         # python -m harness run: one program on one target
SUITE = "suite"     # a run of cases: python -m harness suite, and pytest
BUILD = "build"     # python -m harness build, footprint, compile
AB = "ab"           # python -m harness ab: two VM sources, case by case
ALL = frozenset({RUN, SUITE, BUILD})


def parse_targets(text: str) -> list[str]:
    """--target: names, comma-separated, each once (also python -m bench's)."""
    names = list(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))
    if not names:
        raise ConfigError("no target given", "pass --target=NAME[,NAME...] or set HIL_TARGET "
                          "(python -m harness targets lists them)")
    return names


def _seconds(flag: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ConfigError(f"{flag} {text!r} is not a number of seconds") from None
        if not value > 0:
            raise ConfigError(f"{flag} {text} must be a positive number of seconds")
        return value
    return parse


def _deviations(text: str) -> str:
    from .suite.deviations import parse_option

    return parse_option(text)


def _push(text: str) -> str:
    if text not in ("uart", "swd"):
        raise ConfigError(f"--push {text!r}: choose uart or swd")
    return text


def read_signing_key(path: str) -> bytes:
    """The blob-signing key's bytes; errors name the file, never its content."""
    try:
        key = Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the signing key file {path}: {exc.strerror}",
                          "give --signing-key (HIL_SIGNING_KEY) a file holding the key") from None
    if len(key) < 16:
        raise ConfigError(f"the signing key in {path} is {len(key)} bytes; use at least 16 random bytes",
                          f"e.g. head -c 32 /dev/urandom > {path}")
    return key


def _signing_key(text: str) -> str:
    read_signing_key(text)   # readable and long enough, before anything is built with it
    return str(Path(text).expanduser().resolve())


def _tolerance(text: str) -> float:
    """``5%`` or ``0.05``: how much slower side B may be."""
    number = text.strip().removesuffix("%")
    try:
        value = float(number) / (100 if text.strip().endswith("%") else 1)
    except ValueError:
        raise ConfigError(f"--ab-tolerance {text!r} is not a share", "e.g. --ab-tolerance 5% (or 0.05)") from None
    if value < 0:
        raise ConfigError(f"--ab-tolerance {text} must not be negative")
    return value


def _repeats(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ConfigError(f"--ab-repeats {text!r} is not a whole number") from None
    if value < 1:
        raise ConfigError(f"--ab-repeats {text} must be 1 or more")
    return value


def _patterns(text: str) -> tuple:
    return tuple(p.strip() for p in text.split(",") if p.strip())


@dataclass(frozen=True)
class Option:
    flag: str                 # the one name, on both front ends
    env: str | None           # its environment variable
    help: str
    parse: Callable = str     # text -> value; raises ConfigError
    default: object = None
    commands: frozenset = frozenset({SUITE})   # where it is taken (SUITE: pytest too)
    switch: bool = False      # an on/off flag
    pytest: bool = True       # False: pytest (or one of its plugins) has this option already

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")


BOARD_COMMANDS = frozenset({RUN, SUITE, AB})
CASE_COMMANDS = frozenset({SUITE, AB})   # runs of cases
SOURCE_HELP = "pinned, pinned:PIN, a checkout or pinned archive PATH, or PATH@REV (a git revision of a checkout)"

OPTIONS = [
    Option("--target", "HIL_TARGET", "target(s) to run on, comma-separated, in turn (python -m harness targets "
           f"lists them; default {DEFAULT_TARGET})", parse_targets, [DEFAULT_TARGET], ALL | {AB}),
    Option("--hil-cache", "HIL_CACHE", "cache folder for sources, builds, blobs and CPython outputs "
           "(default: the XDG cache, ~/.cache/bytecode-hil)", commands=ALL | {AB}),
    Option("--vm-src", "HIL_VM_SRC", f"build this VM source instead of the pinned one: {SOURCE_HELP}; or "
           "NAME=SOURCE per VM, comma-separated", commands=ALL),
    Option("--a", None, f"side A of an A/B, the source compared against: {SOURCE_HELP}; NAME=SOURCE per VM "
           "(default: pinned)", default="pinned", commands=frozenset({AB}), pytest=False),
    Option("--b", None, f"side B of an A/B, the source under test: {SOURCE_HELP}; NAME=SOURCE per VM",
           commands=frozenset({AB}), pytest=False),
    Option("--ab-against", "HIL_AB_AGAINST", f"an A/B: compare each case with its run on this VM source "
           f"({SOURCE_HELP}); the run's own source (--vm-src, else pinned) is side B (docs/ab.md)"),
    Option("--ab-tolerance", "HIL_AB_TOLERANCE", "an A/B fails (exit status 1) when a case is slower on side B "
           "by more than this share, e.g. 5%% or 0.05 (default: the target's perf_tolerance)", _tolerance,
           commands=CASE_COMMANDS),
    Option("--ab-repeats", "HIL_AB_REPEATS", "an A/B's runs per case and side on targets whose cycles are "
           "measured, not exact (hosts, boards): their spread is the noise (default 5)", _repeats, 5,
           commands=CASE_COMMANDS),
    Option("--case-timeout", "HIL_CASE_TIMEOUT", "seconds per case, over the target's default",
           _seconds("--case-timeout"), commands=frozenset({RUN, SUITE, AB})),
    Option("--signing-key", "HIL_SIGNING_KEY", "file holding a blob-signing key: firmware is built to run only "
           "blobs signed with it, and the harness signs them", _signing_key, commands=BOARD_COMMANDS),
    Option("--push", "HIL_PUSH", "how blobs reach a booter: uart, or swd (into its RAM mailbox through the debug "
           "probe; QEMU's gdbstub on emulated targets); default: as the target file says", _push,
           commands=BOARD_COMMANDS),
    Option("--inventory", "HIL_INVENTORY", "board inventory file (default ./boards.toml, then "
           "~/.config/bytecode-hil/boards.toml)", commands=BOARD_COMMANDS),
    Option("--board", "HIL_BOARD", "the inventory board to use (default: the first of the target's)",
           commands=BOARD_COMMANDS),
    Option("--probe", "HIL_PROBE", "debug probe unique ID (pyOCD), over the board's", commands=BOARD_COMMANDS),
    Option("--port", "HIL_PORT", "the board's serial port, a pyserial URL (/dev/ttyUSB0, rfc2217://, socket://)",
           commands=BOARD_COMMANDS),
    Option("--firmware", "HIL_FIRMWARE", "firmware image for targets that run yours (esp32)",
           commands=BOARD_COMMANDS),
    Option("--pack", "HIL_PACK", "CMSIS pack for the board's MCU (pyOCD), e.g. Keil.STM32G0xx_DFP",
           commands=BOARD_COMMANDS),
    Option("--lg-env", "LG_ENV", "labgrid environment file: boards come from its RemotePlaces (needs "
           "pip install 'bytecode-hil[labgrid]')", commands=BOARD_COMMANDS),
    Option("--lg-coordinator", "LG_COORDINATOR", "labgrid coordinator HOST:PORT (default: the environment "
           "file's, else 127.0.0.1:20408)", commands=BOARD_COMMANDS),
    Option("--corpus", "HIL_CORPUS", "folder(s) of plain test scripts to run as a suite, comma-separated "
           "(docs/corpus.md)", _patterns, (), commands=CASE_COMMANDS),
    Option("--corpus-include", "HIL_CORPUS_INCLUDE", "corpus scripts to run: globs on their paths, "
           "comma-separated", _patterns, (), commands=CASE_COMMANDS),
    Option("--corpus-exclude", "HIL_CORPUS_EXCLUDE", "corpus scripts to leave out: globs, comma-separated",
           _patterns, (), commands=CASE_COMMANDS),
    Option("--hil-results", "HIL_RESULTS", "file to write the results to (JSON lines; default "
           "reports/results-<target>.jsonl; with several targets the target goes into the name)"),
    Option("--hil-journal", "HIL_JOURNAL", "the results journal (default reports/journal.jsonl)"),
    Option("--resume", None, "go on with the run in the journal: cases it finished are not run again",
           switch=True, default=False),
    Option("--update-baseline", None, "write this run's cycle counts as the targets' timing baselines",
           switch=True, default=False),
    Option("--baseline-dir", "HIL_BASELINE_DIR", "where timing baselines live (default "
           "targets/<name>/baseline.json; a folder holds <name>.json)"),
    Option("--deviations", "HIL_DEVIATIONS", "known deviations file: its listed cases report as xfail, and fail "
           "when they pass (docs/cases.md); replaces the VMs' own lists; none: no list", _deviations,
           commands=CASE_COMMANDS),
    Option("--reports-dir", "HIL_REPORTS_DIR", "the run's reports folder, the only place it writes (default "
           "reports/ below where the run starts; under pytest, below its rootdir)", commands=CASE_COMMANDS),
    Option("--no-reports", "HIL_NO_REPORTS", "write no file at all: no journal, results files, timing reports, "
           "Allure results, JUnit XML or matrix", switch=True, default=False, commands=CASE_COMMANDS),
    Option("--wait-for-reports", None, "when another run holds the reports folder, wait for it to end instead "
           "of stopping", switch=True, default=False, commands=CASE_COMMANDS),
    # pytest has these three already (allure-pytest's and its own junitxml).
    Option("--alluredir", None, "Allure results folder (default reports/allure-results, emptied first)",
           pytest=False, commands=CASE_COMMANDS),
    Option("--clean-alluredir", None, "empty the --alluredir folder first", switch=True, default=False,
           pytest=False, commands=CASE_COMMANDS),
    Option("--junitxml", None, "JUnit XML file (default reports/junit.xml)", pytest=False),
]
BY_FLAG = {o.flag: o for o in OPTIONS}


@dataclass
class Settings:
    """A run's options, resolved: given, else the environment, else the default."""

    target: list = field(default_factory=lambda: [DEFAULT_TARGET])
    hil_cache: str | None = None
    vm_src: str | None = None
    a: str = "pinned"
    b: str | None = None
    ab_against: str | None = None
    ab_tolerance: float | None = None
    ab_repeats: int = 5
    case_timeout: float | None = None
    signing_key: str | None = None
    push: str | None = None
    inventory: str | None = None
    board: str | None = None
    probe: str | None = None
    port: str | None = None
    firmware: str | None = None
    pack: str | None = None
    lg_env: str | None = None
    lg_coordinator: str | None = None
    corpus: tuple = ()
    corpus_include: tuple = ()
    corpus_exclude: tuple = ()
    hil_results: str | None = None
    hil_journal: str | None = None
    resume: bool = False
    update_baseline: bool = False
    baseline_dir: str | None = None
    deviations: str | None = None
    reports_dir: str | None = None
    no_reports: bool = False
    wait_for_reports: bool = False
    alluredir: str | None = None
    clean_alluredir: bool = False
    junitxml: str | None = None

    @classmethod
    def read(cls, given: Callable[[Option], object], environ=None) -> "Settings":
        """``given(option)``: the front end's value (None when not given)."""
        environ = os.environ if environ is None else environ
        values = {}
        for option in OPTIONS:
            value = given(option)
            if option.switch:
                values[option.dest] = bool(value) or bool(option.env and environ.get(option.env))
                continue
            if value is None and option.env:
                value = environ.get(option.env) or None
            if value is None:
                values[option.dest] = option.default
            else:
                values[option.dest] = option.parse(str(value))
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})

    @property
    def board_settings(self) -> dict:
        """What a board source reads (harness/boardsources)."""
        return {"inventory": self.inventory, "board": self.board, "lg_env": self.lg_env,
                "lg_coordinator": self.lg_coordinator}

    @property
    def board_overrides(self) -> dict:
        return {key: getattr(self, key) for key in ("probe", "port", "firmware", "pack")}

    def cache(self) -> Path:
        from .paths import cache_dir

        return cache_dir(self.hil_cache)
