"""How fast a program's output comes back, and what bounds it.

A case printing a few MB, run on each target: the wall time from push to
status, the bytes per second, and the CPU each side spent (the harness's own
process; the target's process: QEMU, or the host runner). On QEMU's
micro:bit the bound is its UART model: every byte the guest writes to TXD is
one write to the chardev (hw/char/nrf51_uart.c, uart_transmit: one
``qemu_chr_fe_write`` of one byte), a system call a byte, whatever the
booter batches; the figures show QEMU's system time growing with the bytes.
"""

from __future__ import annotations

import os
import time

from harness.paths import cache_dir
from harness.suite.session import TargetSession
from harness.suite.toolchain import Toolchains
from harness.targets import load_target


def _cpu(pid: int) -> tuple[float, float]:
    """User and system seconds of a process so far."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def program(megabytes: float) -> bytes:
    lines = int(megabytes * 1_000_000 / 100)
    return f"line = 'x' * 99\nfor i in range({lines}):\n    print(line)\n".encode()


def bench_output(targets: list[str], sizes: tuple[float, ...] = (1.0, 4.0)) -> None:
    toolchains = Toolchains(cache_dir())
    for name in targets:
        target = load_target(name)
        tc = toolchains.for_target(target)
        session = TargetSession(target, tc, tc.cache / "logs").start()
        try:
            proc = session.device.launcher.proc
            for mb in sizes:
                blob = tc.compile(target, program(mb), "out.py")
                ours, theirs = os.times(), _cpu(proc.pid)
                started = time.monotonic()
                run = session.execute(blob, 600)
                wall = time.monotonic() - started
                after_ours, after_theirs = os.times(), _cpu(proc.pid)
                size = len(run.record.output) if run.record else 0
                print(f"output on {name}: {size / 1e6:.1f} MB in {wall:.2f} s: {size / wall / 1e3:.0f} KB/s; "
                      f"CPU: harness {after_ours.user - ours.user:.2f} s user + "
                      f"{after_ours.system - ours.system:.2f} s system, {target.launcher} "
                      f"{after_theirs[0] - theirs[0]:.2f} s user + {after_theirs[1] - theirs[1]:.2f} s system "
                      f"({(after_theirs[1] - theirs[1]) / max(size, 1) * 1e6:.2f} us of system time a byte)")
        finally:
            session.stop()
