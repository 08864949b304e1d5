"""Fuzzing MicroPython's .mpy loader and VM (and PikaScript's .py.o and
.py.a), and the booter's protocol loop, on a host runner built with
AddressSanitizer and UndefinedBehaviorSanitizer (targets/host-asan).

    .venv/bin/python -m bench.fuzz --seed 1               # 100,000 executions

builds the runner (cached), compiles the seed corpus from cases/**/*.py with
the harness's mpy-cross, and runs two modes against one runner process at a
time, in persistent mode (every LOAD starts a fresh VM, so one process serves
execution after execution):

  blobs   mutated .mpy blobs (header, qstr and object tables, raw code kinds
          and lengths, bytecode preludes and opcodes, plus byte flips,
          truncations, insertions and splices) sent through the booter
          protocol; --execs of them (default 100,000).
  frames  bursts of mutated protocol frames, each followed by a liveness
          check (HELLO must bring INFO); --frame-execs bursts (default
          --execs / 5).

It prints executions, executions per second, outcomes, timeouts (the
per-execution --timeout, default 0.3 s: a hang is counted, not a crash) and
the distinct crashes with their sanitizer's first report line; each new
crash is reproduced, minimised (delta debugging, keeping its dedup key) and
stored under tests/fuzz/findings/<key>.mpy or .frames with a .json beside it,
which tests/test_fuzz_regressions.py replays through the normal harness.
Findings met while loading are all stored; of those met while running
mutated bytecode (one cause: the VM never checks its bytecode) one per error
kind is. A key already stored is not minimised again.

The same --seed gives the same inputs (the `input digest` lines say so). With
--lanes 1 it also gives the same outcome counts; with the default two lanes
(two runners busy at once, for speed) a few outcomes can differ between runs,
because what a wild read finds depends on what that runner ran before: a LOAD
clears neither the heap nor the C stack.

--target pika-host-asan fuzzes PikaScript's loaders instead: the 1.14 core's
runner with ASan and UBSan, seeded with every case compiled to a .py.o and
every fourth case packed with the next as a .py.a, half the mutants from each
(bench/fuzz/pika.py: the layouts; pika_mutate.py: instruction, constant
pool, module and header mutations that keep sizes and the checksum whole,
and lies; pika_minimise.py). Findings go to tests/fuzz/findings/<target>/,
replayed by tests/test_fuzz_pika.py. The blob format follows what the runner
announces (formats.py: INFO vm, and pyo for PikaScript's core).
--target pika-host-asan-g030 does the same for core 1.8.6, the STM32G030
Booter's, in its configuration (pika_v1_8_6.py: its layouts in the same
model); its runner is at the minimal syntax level, where few cases compile,
so the programs of bench/fuzz/seeds/minimal/ seed it as well.

Other options: --target, --mode blobs|frames|both, --lanes N, --findings DIR,
--no-store, --no-minimise, --minimise-tests N, --minimise-seconds S, --quiet.

Modules: formats (which of these a runner's blobs take), mpy (the .mpy v6
layout), pika, pika_v1_8_6, pika_mutate, pika_minimise (PikaScript's: the
model with core 1.14's layouts, core 1.8.6's, mutations, minimisation),
mutate (blob mutations), frames (frame mutations), runner (the runner
process and its protocol), report (sanitizer reports and dedup keys),
minimise (ddmin), findings (the stored findings), campaign (the two modes,
triage, minimisation).
"""
