"""Delta debugging (Zeller and Hildebrandt's ddmin, complement form), on
bytes and, for .mpy blobs, on the blob's own units first.

ddmin cuts the input into n chunks; if dropping one chunk keeps the input
interesting, the smaller input is kept and the cut coarsened again, otherwise
the cut is refined, until single items have been tried. The result is
1-minimal: dropping any one item makes it uninteresting (unless the test
budget ran out first). Only complements are tried, never a chunk on its own:
a chunk of a .mpy or of a frame stream without its header is never
interesting, and testing it would double the cost.

Bytes alone shrink a .mpy poorly: nearly every cut breaks a length or a
count and the loader stops early. ``minimise_blob`` therefore first runs
ddmin over the qstr table's entries, the object table's entries, and the
bytes inside each bytecode body, string and number, fixing the count or
length each time (bench/fuzz/mpy.py), and ends with plain ddmin over the
blob's bytes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Sequence

from .mpy import parse, with_data, with_entries


@dataclass
class Minimised:
    data: bytes
    tests: int           # calls of the predicate (cached repeats not counted)
    complete: bool       # False if the budget ran out before 1-minimality


class _Budget:
    """The predicate with a cache and a limit shared by every stage."""

    def __init__(self, interesting: Callable[[bytes], bool], max_tests: int, deadline: float | None):
        self.interesting = interesting
        self.max_tests = max_tests
        self.deadline = deadline
        self.cache: dict[bytes, bool] = {}
        self.tests = 0

    def spent(self) -> bool:
        return self.tests >= self.max_tests or (self.deadline is not None and time.monotonic() > self.deadline)

    def __call__(self, candidate: bytes) -> bool:
        if candidate not in self.cache:
            self.tests += 1
            self.cache[candidate] = bool(self.interesting(candidate))
        return self.cache[candidate]


def _ddmin(items: Sequence, test: Callable[[Sequence], bool], budget: _Budget) -> tuple[Sequence, bool]:
    """ddmin over any sliceable sequence; (the result, whether it is 1-minimal)."""
    n = 2
    while len(items) >= 2:
        size = -(-len(items) // n)                 # ceil: n chunks of this size
        reduced = False
        for start in range(0, len(items), size):
            if budget.spent():
                return items, False
            candidate = items[:start] + items[start + size:]
            if len(candidate) and test(candidate):
                items = candidate
                n = max(n - 1, 2)
                reduced = True
                break
        if not reduced:
            if n >= len(items):
                break                              # single items tried: 1-minimal
            n = min(2 * n, len(items))
    return items, True


def ddmin(data: bytes, interesting: Callable[[bytes], bool], max_tests: int = 4000,
          deadline: float | None = None) -> Minimised:
    """The smallest input ddmin finds from ``data`` (itself interesting) by
    dropping bytes. ``deadline`` is a time.monotonic() value."""
    budget = _Budget(interesting, max_tests, deadline)
    result, complete = _ddmin(data, budget, budget)
    return Minimised(bytes(result), budget.tests, complete)


def minimise_blob(blob: bytes, interesting: Callable[[bytes], bool], max_tests: int = 4000,
                  deadline: float | None = None) -> Minimised:
    """ddmin for a .mpy: table entries, then the bytes inside each data field
    (its length fixed to match), then the blob's bytes."""
    budget = _Budget(interesting, max_tests, deadline)
    # The structural stages get at most half the tests and time, so the byte
    # stage always runs: in a blob whose counts or lengths lie (many
    # findings' do) the fields the model sees are not the loader's, and
    # there the structural stages find little.
    budget.max_tests = max_tests // 2
    if deadline is not None:
        budget.deadline = time.monotonic() + (deadline - time.monotonic()) / 2
    blob = _shrink_structure(blob, budget)
    budget.max_tests, budget.deadline = max_tests, deadline
    result, complete = _ddmin(blob, budget, budget)
    return Minimised(bytes(result), budget.tests, complete and not budget.spent())


def _shrink_structure(blob: bytes, budget: _Budget) -> bytes:
    """Table entries (only in a blob that parses whole: where a count lies,
    rewriting it removes the lie), then the bytes inside each data field."""
    for table in ("qstr", "obj"):
        layout = parse(blob)
        spans = layout.qstrs if table == "qstr" else layout.objs
        if not layout.complete or len(spans) < 1 or budget.spent():
            continue
        keep, _ = _ddmin(list(range(len(spans))), lambda k: budget(with_entries(blob, layout, table, list(k))),
                         budget)
        blob = with_entries(blob, layout, table, list(keep))
        # The empty table, which ddmin never tries on its own.
        if keep and not budget.spent() and budget(with_entries(blob, parse(blob), table, [])):
            blob = with_entries(blob, parse(blob), table, [])
    # Data fields, largest first; each edit moves what follows, so re-parse.
    done: set[tuple[str, int]] = set()
    while not budget.spent():
        layout = parse(blob)
        fields = [(i, f) for i, f in enumerate(layout.fields)
                  if f.role in ("fun_data", "qstr_data", "obj_data") and f.end - f.start > 1
                  and (f.role, layout.of(f.role).index(i)) not in done]
        if not fields:
            break
        index, field = max(fields, key=lambda item: item[1].end - item[1].start)
        done.add((field.role, layout.of(field.role).index(index)))
        content, _ = _ddmin(blob[field.start:field.end],
                            lambda c: budget(with_data(blob, layout, index, bytes(c))), budget)
        blob = with_data(blob, layout, index, bytes(content))
    return blob
