"""A target's speed against its mirror, measured before its first case when
the cache holds no ratio yet (a fresh cache, a new machine).

Without a ratio the time limits are the fixed ones (timelimits.py), so a
program that hangs early in a first run costs the whole fixed limit on the
mirror: 10 s, where a calibrated run spends about a second. Three runs of a
counting loop on both sides, each about 30 ms on the mirror (the longest
tier of samples the low ratio is read from), give the ratios at once, for
about two seconds of the device's time, once per target and cache. The loop
is plain Python every VM of ours compiles; a VM that cannot run it (its
compiler refuses it, the run fails) leaves the limits as they were: fixed
until the cases measure them.
"""

from __future__ import annotations

import time

from ..vms.base import CompileError
from .timelimits import LOW_SAMPLE_TIERS, TimeLimits, run_seconds

PROGRAM = "i = 0\nwhile i < {n}:\n    i = i + 1\n"
MIRROR_SECONDS = 0.03     # each sample's mirror run, over the 20 ms tier
SAMPLES = 3
FIRST_COUNT = 2000
MAX_ATTEMPTS = 10


def _completed(execution) -> float | None:
    if execution.kind != "completed" or execution.record.status != "ok":
        return None
    return run_seconds(execution.record)


def calibrate(limits: TimeLimits, compile_program, mirror, device) -> str:
    """Measure ``device`` (a started session) against ``mirror`` on the
    counting loop, ``compile_program(source) -> blob``; the samples go to
    ``limits``. Returns a line for the user ('' when nothing was measured)."""
    started, count, taken = time.monotonic(), FIRST_COUNT, []
    for _ in range(MAX_ATTEMPTS):
        try:
            blob = compile_program(PROGRAM.format(n=count))
        except CompileError:
            return ""
        mirror_seconds = _completed(mirror.execute(blob, limits.fixed))
        if not mirror_seconds:
            return ""
        if mirror_seconds < LOW_SAMPLE_TIERS[-1]:
            # Too short to say: scale the loop towards MIRROR_SECONDS, by
            # ten at most (a run of a millisecond or less times badly).
            count = int(count * min(10.0, max(2.0, MIRROR_SECONDS / mirror_seconds)))
            continue
        device_seconds = _completed(device.execute(blob, limits.fixed))
        if not device_seconds:
            return ""
        limits.observe(mirror_seconds, device_seconds)
        taken.append(device_seconds / mirror_seconds)
        if len(taken) == SAMPLES:
            break
        count = int(count * 1.15)
    if not taken:
        return ""
    return (f"{limits.target}: no device/host ratio in the cache yet: measured {min(taken):.1f} to "
            f"{max(taken):.1f} against {limits.reference} on a counting loop ({len(taken)} runs, "
            f"{time.monotonic() - started:.1f} s), kept for the next runs")
