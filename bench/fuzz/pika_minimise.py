"""Minimising a PikaScript blob (bench/fuzz/pika.py) while it still crashes
the same way: whole modules of a .py.a, then each module's instructions and
the bytes of its constant pool, re-encoded each time in its core's layout
with its sizes and checksum made to match (a byte cut would break them, and
the VM side's format checks would refuse every candidate), then plain ddmin
over the bytes for what the model cannot see (a blob whose sizes lie)."""

from __future__ import annotations

import time
from typing import Callable

from .minimise import Minimised, _Budget, _ddmin
from .pika import Blob, Code, Layout


def _with_modules(blob: Blob, modules) -> bytes:
    return blob.copy(list(modules)).encode()


def _shrink_structure(data: bytes, budget: _Budget, layout: Layout) -> bytes:
    blob = layout.parse(data)
    if blob is None:
        return data
    if blob.kind == "pya" and len(blob.modules) > 1:
        keep, _ = _ddmin(blob.modules, lambda m: bool(m) and budget(_with_modules(blob, m)), budget)
        blob.modules = list(keep)
    for i, (name, code) in enumerate(blob.modules):
        if budget.spent():
            break

        def with_code(new: Code, i=i, name=name) -> bytes:
            modules = list(blob.modules)
            modules[i] = (name, new)
            return _with_modules(blob, modules)

        keep, _ = _ddmin(code.instructions, lambda ins: budget(with_code(Code(list(ins), code.pool))), budget)
        code = Code(list(keep), code.pool)
        pool, _ = _ddmin(code.pool, lambda p: budget(with_code(Code(code.instructions, bytes(p)))), budget)
        blob.modules[i] = (name, Code(code.instructions, bytes(pool)))
    return blob.encode()


def minimise_pika_blob(data: bytes, interesting: Callable[[bytes], bool], max_tests: int = 4000,
                       deadline: float | None = None, *, layout: Layout) -> Minimised:
    """``data`` made as small as it can be while ``interesting``, read in
    ``layout`` (its core's)."""
    budget = _Budget(interesting, max_tests, deadline)
    # As for a .mpy: the structure gets at most half, so the byte stage runs.
    budget.max_tests = max_tests // 2
    if deadline is not None:
        budget.deadline = time.monotonic() + (deadline - time.monotonic()) / 2
    shrunk = _shrink_structure(data, budget, layout)
    # The structural stage's result, when it still crashes; else the input.
    blob = shrunk if shrunk != data and budget(shrunk) else data
    budget.max_tests, budget.deadline = max_tests, deadline
    result, complete = _ddmin(blob, budget, budget)
    return Minimised(bytes(result), budget.tests, complete and not budget.spent())
