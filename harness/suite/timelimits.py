"""How long a case may run on a target with a host reference: derived from
the reference's own run of the same blob, so that a program that hangs
costs about a second, not the target's whole time limit.

The host reference (the mirror) runs the blob first. The device is slower
than its mirror by a ratio this class measures on every case both finish
(wall time of the run, the push left out), keeps in the cache for the next
run, and reads with a margin:

- the mirror may run for ``fixed * 2 / low ratio``: a program still
  running then would need more than the target's fixed limit on the
  device, so the fixed limit would have cut it too;
- the device may then run for ``floor + 3 * high ratio * mirror
  time``, never more than the fixed limit; after a mirror that ran out of
  time, for ``floor`` alone: the device is only asked to confirm the hang.

A fresh cache is calibrated before the first case (calibration.py); until a
ratio has been measured (a VM that cannot run the calibration loop), the
limits are the fixed ones, and the device is taken to be no faster than its
mirror. A time limit the user gives (--case-timeout, a case's ``timeout:``,
a corpus side file's) is never derived: it wins.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from ..procs import owned_name

# A mirror run shorter than this says more about process start-up and pipes
# than about the VM's speed: no ratio is taken from it.
MIN_SAMPLE_SECONDS = 0.005
# The low ratio (for the mirror's limit) is taken from the longest runs
# there are enough of: 100 ms and more on the mirror, else 20 ms and more.
LOW_SAMPLE_TIERS = (0.1, 0.02)
MIN_TIER_SAMPLES = 3
# The low ratio is the lowest seen, the one lowest sample left out once
# there are three (one mirror run slowed on a busy host, or one program whose
# time is mostly the mirror's start-up, would otherwise make every hang cost
# the fixed limit, run after run): the margin covers a program the device
# runs relatively faster still. The high one is the highest seen, and its
# margin covers a slower one, and a loaded machine.
MIRROR_MARGIN = 2.0
DEVICE_MARGIN = 3.0
KEEP = 400  # samples kept in the cache per target
PERCENTILE_FROM = 20
# Samples kept under another rule of what counts as one are dropped.
SAMPLES_RULE = 2


@dataclass
class Limit:
    """One run's time limit and how it was reached."""

    seconds: float
    rule: str          # fixed, derived, confirm-hang
    why: str = ""

    def record(self) -> dict:
        return {"seconds": round(self.seconds, 3), "rule": self.rule, **({"why": self.why} if self.why else {})}


class TimeLimits:
    """The time limits of one target and its host reference."""

    def __init__(self, target: str, reference: str, fixed: float, floor: float, cache: Path | None,
                 baud: int = 0):
        self.target, self.reference = target, reference
        self.fixed, self.floor = fixed, floor
        # On a link of known rate, output has its own time on the wire,
        # which a short run on the mirror says nothing of.
        self.byte_seconds = 10 / baud if baud else 0.0
        self.path = cache / "time-limits" / f"{target}.json" if cache else None
        self.samples: list[tuple[float, float]] = self._load()
        self._new = 0

    # --- the limits ----------------------------------------------------------
    def low_ratio(self) -> float | None:
        """The lowest ratio seen on the longest runs measured (the mirror's
        limit is about runs that long or longer, and on short ones the
        mirror's own start-up weighs more), its lowest left out once there
        are three; with many samples, the 5th percentile: one run slowed on
        a busy host does not set it."""
        for shortest in LOW_SAMPLE_TIERS:
            ratios = sorted(d / m for m, d in self.samples if m >= shortest)
            if len(ratios) >= MIN_TIER_SAMPLES or (ratios and shortest == LOW_SAMPLE_TIERS[-1]):
                if len(ratios) >= PERCENTILE_FROM:
                    return ratios[len(ratios) // 20]
                return ratios[1] if len(ratios) >= MIN_TIER_SAMPLES else ratios[0]
        return None

    def high_ratio(self) -> float | None:
        ratios = [d / m for m, d in self.samples if m >= MIN_SAMPLE_SECONDS]
        return max(ratios) if ratios else None

    def for_mirror(self) -> Limit:
        low = self.low_ratio()
        if low is None or low <= MIRROR_MARGIN:
            return Limit(self.fixed, "fixed", "no device/host ratio measured yet")
        seconds = self.fixed * MIRROR_MARGIN / low
        return Limit(seconds, "derived", f"{self.target}'s limit {self.fixed:g} s over its lowest measured "
                                         f"device/host ratio {low:.1f}, with a margin of {MIRROR_MARGIN:g}")

    def for_device(self, mirror_seconds: float | None, mirror_limit: Limit, output_bytes: int = 0) -> Limit:
        """``mirror_seconds``: how long the mirror's run took; None when it
        ran out of ``mirror_limit``. ``output_bytes``: what the mirror's run
        printed, which the device sends over its link."""
        if mirror_seconds is None:
            if mirror_limit.rule == "fixed":
                # The device is no faster than its mirror: it would need the whole fixed limit too.
                return Limit(self.floor, "confirm-hang",
                             f"its host reference {self.reference} ran past the fixed limit "
                             f"{mirror_limit.seconds:g} s")
            return Limit(self.floor, "confirm-hang",
                         f"its host reference {self.reference} ran past {mirror_limit.seconds:.2f} s, which "
                         f"predicts more than {self.fixed:g} s here")
        high = self.high_ratio()
        if high is None:
            return Limit(self.fixed, "fixed", "no device/host ratio measured yet")
        wire = output_bytes * self.byte_seconds
        seconds = min(self.fixed, self.floor + DEVICE_MARGIN * (high * mirror_seconds + wire))
        why = (f"{self.floor:g} s + {DEVICE_MARGIN:g} x (its highest measured device/host ratio {high:.1f} x "
               f"{mirror_seconds * 1000:.1f} ms on {self.reference}"
               + (f" + {output_bytes} bytes of output on its link, {wire:.2f} s" if wire else "") + ")")
        return Limit(seconds, "derived", why)

    # --- measurements ----------------------------------------------------------
    def observe(self, mirror_seconds: float, device_seconds: float) -> None:
        if mirror_seconds >= MIN_SAMPLE_SECONDS and device_seconds > 0:
            self.samples.append((mirror_seconds, device_seconds))
            self.samples = self.samples[-KEEP:]
            self._new += 1

    def _load(self) -> list[tuple[float, float]]:
        if self.path is None:
            return []
        try:
            data = json.loads(self.path.read_text())
            if data.get("reference") != self.reference or data.get("rule") != SAMPLES_RULE:
                return []
            return [(float(m), float(d)) for m, d in data["samples"]][-KEEP:]
        except (OSError, ValueError, KeyError, TypeError):
            return []  # none yet, or damaged: the limits start fixed and measure again

    def save(self) -> None:
        """Keep the measured ratios for the next run (best effort: a cache
        that cannot be written costs the next run its first cases' calibration)."""
        if self.path is None or not self._new:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(owned_name(f".{self.path.name}."))
            tmp.write_text(json.dumps({"reference": self.reference, "rule": SAMPLES_RULE,
                                       "updated": time.time(),
                                       "samples": [[round(m, 6), round(d, 6)] for m, d in self.samples]}))
            os.replace(tmp, self.path)
            self._new = 0
        except OSError:
            pass


def same_end(mirror_record, device_record) -> bool:
    """Whether both runs took the program to the same end (status and
    output): only then do their times say how fast the device is. A run
    that ended otherwise (out of memory on the board, a fault) did other
    work."""
    return (mirror_record.status, mirror_record.output) == (device_record.status, device_record.output)


def run_seconds(record) -> float:
    """The wall time of a run, the push of the blob left out (the time limit
    starts once the blob is in)."""
    return max(0.0, record.wall_seconds - record.extra.get("push_seconds", 0.0))
