"""What the fuzzer needs of a VM's blob format, chosen by what the runner
announces (INFO ``vm``, and for PikaScript the core its ``pyo`` names):
mutations, a cheap prediction of known crashes, minimisation, a file
suffix for stored findings, and whether libraries of modules are seeds too.
A core whose layouts are not modelled here is a clear error, never a
fallback to another core's layouts (each core crashes on the other's)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable

from harness.device.info import DeviceInfo

from . import mpy
from .minimise import minimise_blob
from .mutate import Mutator
from .pika import V1_14, Layout
from .pika_minimise import minimise_pika_blob
from .pika_mutate import PikaMutator
from .pika_v1_8_6 import V1_8_6


@dataclass(frozen=True)
class BlobFormat:
    name: str
    mutator: Callable            # (seeds, rng, max_size) -> an object with mutate()
    hazard: Callable[[bytes], str]
    minimise: Callable           # (data, interesting, max_tests=, deadline=) -> Minimised
    suffix: Callable[[bytes], str]
    library_seeds: bool          # seed libraries of two modules as well (PikaScript's .py.a)
    kinds: int = 1               # blob kinds, each with its own loader: a run's default executions are per kind


MPY = BlobFormat(".mpy v6", Mutator, mpy.hazard, minimise_blob, lambda blob: ".mpy", False)


def pika_format(layout: Layout) -> BlobFormat:
    """A PikaScript core's .py.o and .py.a, in its layouts (bench/fuzz/pika.py)."""
    return BlobFormat(layout.name, partial(PikaMutator, layout=layout), lambda blob: "",
                      partial(minimise_pika_blob, layout=layout), layout.suffix, True, kinds=2)


# PikaScript's formats by the core its runner announces (INFO pyo).
PIKA = {layout.core: pika_format(layout) for layout in (V1_14, V1_8_6)}


class UnknownFormat(Exception):
    pass


def blob_format(info: DeviceInfo) -> BlobFormat:
    vm = info.get("vm")
    if vm == "micropython":
        return MPY
    if vm == "pikascript":
        core = info.get("pyo")
        if core in PIKA:
            return PIKA[core]
        raise UnknownFormat(f"the runner loads PikaScript .py.o of core {core or '(not announced)'}; "
                            f"bench/fuzz/pika*.py model the layouts of cores {', '.join(PIKA)} only")
    raise UnknownFormat(f"no blob format for a runner of VM {vm!r} (bench/fuzz/formats.py)")
