"""PikaScript's syntax levels as features: what a minimal-level compiler drops, found and named.

A PikaScript configuration picks a syntax level (PIKA_SYNTAX_LEVEL). At the
minimal level (PikaScript's STM32G030 Booter) core 1.8.6's compiler rejects
nothing: list literals, subscripts, slices and ``%`` formatting are left out
of the bytecode without a word, and the program runs wrongly; other
constructs crash it. Bytecode compiled at another level runs wrongly on a
minimal VM, so a target's blobs must come from a compiler at its own level.

``LevelChecked`` is that compiler, checked: every program is compiled at the
target's level and again at the maximal level. When the two agree, the blob
is the target's. When they differ, or only the maximal level compiles it,
the program uses what the target's level drops: ``CompileError`` with
``DROPPED`` and the constructs named (read from the program with Python's
own parser), which the profile's ``compile_needs`` turns into a skip,
"target lacks". When the maximal level fails where the minimal one did not
(its parser crashes on some programs the minimal one skips through), the
constructs found in the program decide.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ..base import CompileError

DROPPED = "dropped at the minimal syntax level: "
# What the minimal level turns off (the core's pika_config_valid.h) and the
# constructs each leaves out of the bytecode, as the skip names them.
MINIMAL_OFF = {
    "PIKA_SYNTEX_ITEM_SLICE_ENABLE": ("subscripts", "slices"),
    "PIKA_SYNTEX_ITEM_FORMAT_ENABLE": ("% formatting",),
    "PIKA_BUILTIN_LIST_ENABLE": ("list literals",),
    "PIKA_BUILTIN_DICT_ENABLE": ("dict literals",),
}
MINIMAL = re.compile(r"^\s*#\s*define\s+PIKA_SYNTAX_LEVEL\s+PIKA_SYNTAX_LEVEL_MINIMAL\b", re.M)


def is_minimal(config: Path) -> bool:
    """Whether the configuration header ``config`` picks the minimal syntax level."""
    return bool(MINIMAL.search(config.read_text(errors="replace")))


def dropped_constructs(source: bytes) -> list[str]:
    """The constructs of ``source`` that a minimal-level compiler leaves out
    (``MINIMAL_OFF``), in a fixed order; [] when there are none or CPython
    cannot parse it."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.List):
            found.add("list literals")
        elif isinstance(node, ast.Dict):
            found.add("dict literals")
        elif isinstance(node, ast.Subscript):
            found.add("slices" if isinstance(node.slice, ast.Slice) else "subscripts")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and _is_text(node.left):
            found.add("% formatting")
    order = ["list literals", "dict literals", "subscripts", "slices", "% formatting"]
    return [name for name in order if name in found]


def _is_text(node: ast.AST) -> bool:
    """A string written in the program: what the compiler's % formatting looks for."""
    return isinstance(node, ast.JoinedStr) or isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))


def dropped(source: bytes) -> CompileError:
    names = dropped_constructs(source)
    what = ", ".join(names) if names else \
        "a construct the minimal level leaves out (its bytecode differs from the maximal level's)"
    return CompileError(DROPPED + what)


def needs(message: str) -> str:
    """What a program refused with ``message`` needs, when the refusal is a
    minimal level's drop ('' otherwise)."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    return first[len(DROPPED):] if first.startswith(DROPPED) else ""


class LevelChecked:
    """A minimal-level compiler (``target``), checked against the same
    configuration at the maximal level (``reference``), as described above.
    Both are ``Pikac``; helper modules are packed by the target's."""

    def __init__(self, target, reference):
        self.target = target
        self.reference = reference
        self.build = target.build
        self.identity = f"{target.identity}+{reference.identity}"

    def compile(self, source: bytes, name: str) -> bytes:
        try:
            blob, failed = self.target.compile(source, name), None
        except CompileError as exc:
            blob, failed = None, exc
        try:
            reference = self.reference.compile(source, name)
        except CompileError:
            reference = None
        if failed is not None:
            if reference is None:
                raise failed          # no level compiles it: the program's (or the compiler's) fault
            raise dropped(source) from None
        if reference is not None and reference != blob:
            raise dropped(source)
        if reference is None and dropped_constructs(source):
            raise dropped(source)
        return blob

    def pack(self, modules: list[tuple[str, bytes]]) -> bytes:
        return self.target.pack(modules)
