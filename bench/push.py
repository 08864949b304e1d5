"""Per-case push time, UART against the RAM mailbox (python -m bench push).

Every case blob the target can hold is run twice, in two sessions of the
same target: pushed over the UART (--push=uart) and through the mailbox
(--push=swd). A record's push_seconds runs from the first byte sent to the
RUNNING frame: the transfer and the booter's checks, not the run. Both
pushes must give the same output and cycles, or the figure is refused.

On QEMU the UART has no baud rate, so its figure is not a board's; the
bench also prints what the UART frames of each blob take on the wire at
115200 baud 8N1 (computed: 10 bits a byte), the least a real G030 spends.
"""

from __future__ import annotations

import statistics

from harness.paths import CASES_DIR
from harness.suite.cases import discover, unmet_needs
from harness.suite.session import TargetSession
from harness.suite.toolchain import Toolchain
from harness.targets import load_target
from harness.transports import booter as p

BAUD = 115200


def wire_seconds(blob: bytes, chunk: int) -> float:
    """Time the UART transfer's frames (both ways) take at BAUD, computed."""
    first = chunk + 4 - p.LOAD_HEADER.size
    frames = 1 + max(0, -(-(len(blob) - first) // chunk))
    overhead = p.HEADER.size + p.CRC.size
    host = len(blob) + p.LOAD_HEADER.size + 4 * (frames - 1) + frames * overhead
    device = (frames - 1) * (overhead + 4) + overhead  # ACKs, then RUNNING
    return (host + device) * 10 / BAUD


def bench_push(targets: list[str]) -> None:
    tc = Toolchain.prepare("micropython")
    for name in targets:
        target = load_target(name)
        sessions = {push: TargetSession(target, tc, tc.cache / "logs", push=push).start()
                    for push in ("uart", "swd")}
        try:
            info = sessions["uart"].info
            if sessions["swd"].device.transport.push != "mailbox":
                print(f"push on {name}: no mailbox push here ({sessions['swd'].device.transport.client.fallback})")
                continue
            blobs = [tc.compiler.compile(case.source, case.filename) for case in discover(CASES_DIR)
                     if not unmet_needs(case, info.features, info.heap)]
            times = {"uart": [], "swd": []}
            sizes = []
            for blob in blobs:
                records = {}
                for push, session in sessions.items():
                    run = session.execute(blob, 10)
                    records[push] = run.record
                if any(r is None or "push_seconds" not in r.extra for r in records.values()):
                    continue  # refused or lost: no push figure
                if (records["uart"].output, records["uart"].run_cycles) != \
                        (records["swd"].output, records["swd"].run_cycles):
                    raise SystemExit(f"push on {name}: a blob of {len(blob)} bytes ran differently by push")
                for push in times:
                    times[push].append(records[push].extra["push_seconds"])
                sizes.append(len(blob))
        finally:
            for session in sessions.values():
                session.stop()
        wire = [wire_seconds(b, info.chunk) for b in blobs if len(b) in sizes]
        print(f"push on {name}: {len(sizes)} blobs, median {statistics.median(sizes)} bytes, "
              f"largest {max(sizes)}; push time per case (until RUNNING):")
        for label, values in (("UART, measured", times["uart"]), ("mailbox, measured", times["swd"]),
                              (f"UART at {BAUD} baud, computed", wire)):
            print(f"  {label:30} median {statistics.median(values) * 1e3:7.2f} ms, "
                  f"max {max(values) * 1e3:7.2f} ms, total {sum(values):6.2f} s")
        if target.launcher == "qemu":
            print("  (QEMU's UART has no baud rate and its gdbstub pauses the guest for each access: "
                  "measure a board with a probe for the real comparison)")
