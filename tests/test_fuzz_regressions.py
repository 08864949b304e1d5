"""The fuzzer's findings, replayed through the normal harness, and the fuzzer itself.

Every stored finding (tests/fuzz/findings, written by `python -m bench.fuzz`)
is a blob or a frame stream that crashed the sanitizer runner. On the plain
host runners (host32, host) the harness must turn it into a classified
Execution, never an exception, and the next ordinary blob must still run.
What the VM does with the finding (fault, load error, hang) may differ
between runners and builds: undefined behaviour is only defined under the
sanitizers. So the tests check that the classification is whole and
consistent, not which one it is.
"""

from __future__ import annotations

import random
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from bench.fuzz.__main__ import build_runner, seed_corpus
from bench.fuzz.campaign import Fuzzer
from bench.fuzz.findings import FINDINGS_DIR, load_all
from bench.fuzz.minimise import ddmin, minimise_blob
from bench.fuzz.mpy import parse, with_data
from bench.fuzz.mutate import Mutator
from bench.fuzz.report import classify
from harness.errors import LinkClosed
from harness.suite.session import SuiteRun
from harness.transports import booter as p

pytestmark = pytest.mark.integration

FINDINGS = load_all(FINDINGS_DIR)
BLOB_FINDINGS = [f for f in FINDINGS if f.mode == "blobs"]
FRAME_FINDINGS = [f for f in FINDINGS if f.mode == "frames"]
# Short: a finding that hangs a plain runner is a timeout, and there may be many.
FINDING_TIMEOUT = 0.5
ORDINARY = b"print('still here', 6 * 7)\n"
COMPLETED_STATUSES = {"ok", "exception", "memory-error", "load-error"}
# A raw code with no bytecode: MicroPython's loader decodes a prelude from
# the NULL that m_new(uint8_t, 0) gives (py/persistentcode.c, load_raw_code).
EMPTY_BYTECODE = b"M\x06\x00\x1f\x00\x00\x00"


@pytest.fixture(scope="module", params=["host32", "host"])
def run(request, toolchain, tmp_path_factory):
    suite = SuiteRun(request.param, toolchain=toolchain, log_dir=tmp_path_factory.mktemp("logs"),
                     compare_baseline=False).start()
    yield suite
    suite.stop()


@pytest.fixture(scope="module")
def ordinary_blob(toolchain) -> bytes:
    return toolchain.compiler.compile(ORDINARY, "ordinary.py")


def assert_classified(execution) -> None:
    """Whichever way the run ended, the Execution says so completely."""
    assert execution.kind in ("completed", "crashed", "timeout", "rejected"), execution
    if execution.kind == "completed":
        assert execution.record is not None and execution.record.status in COMPLETED_STATUSES, execution
        if execution.record.status != "ok":
            # A refused blob or an exception says why.
            assert execution.record.trace.strip(), execution
    elif execution.kind == "crashed":
        # The fault's PC (a reported fault) or how the runner ended.
        assert "PC" in execution.detail or "runner" in execution.detail, execution
    elif execution.kind == "timeout":
        assert "did not finish" in execution.detail, execution
    else:
        assert execution.rejection in p.ERROR_NAMES.values(), execution


def assert_still_runs(run, blob: bytes) -> None:
    after = run.session.execute(blob, 10)
    assert after.kind == "completed" and after.record.status == "ok", after
    assert after.record.output == b"still here 42\n"


@pytest.mark.parametrize("finding", BLOB_FINDINGS, ids=[f.key for f in BLOB_FINDINGS])
def test_blob_finding_is_classified_and_the_runner_recovers(run, finding, ordinary_blob):
    assert_classified(run.session.execute(finding.data, FINDING_TIMEOUT))
    assert_still_runs(run, ordinary_blob)


@pytest.mark.parametrize("finding", FRAME_FINDINGS, ids=[f.key for f in FRAME_FINDINGS])
def test_frame_finding_leaves_the_booter_answering(run, finding, ordinary_blob):
    # The stream goes onto the link as the fuzzer sent it; the harness must
    # then bring the booter back (or find it still there) and run a case.
    client = run.session.device.transport.client
    try:
        client.link.write(finding.data)
    except LinkClosed:
        pass
    execution = run.session.execute(ordinary_blob, 10)
    if execution.kind != "completed":   # the stream took the runner down: the next case is a new one
        assert_classified(execution)
        execution = run.session.execute(ordinary_blob, 10)
    assert execution.kind == "completed" and execution.record.output == b"still here 42\n", execution


def test_findings_are_distinct_and_described():
    keys = [f.key for f in FINDINGS]
    assert len(keys) == len(set(keys))
    for finding in FINDINGS:
        assert finding.path.stem == finding.key
        assert finding.meta["first_line"] and finding.meta["kind"]
        assert finding.meta["size"] == len(finding.data)
        assert finding.meta["found"]["seed"] is not None


# --- the fuzzer's own parts -----------------------------------------------------

@pytest.fixture(scope="module")
def fuzz_parts(toolchain):
    firmware = build_runner(toolchain)
    return firmware, seed_corpus(toolchain)


def test_sanitizer_runner_reports_a_loader_crash_and_goes_on(fuzz_parts, ordinary_blob, tmp_path):
    firmware, _ = fuzz_parts
    fuzzer = Fuzzer(firmware, tmp_path, seed=1, timeout=2.0, lanes=1)
    try:
        outcome = fuzzer.pool.run(EMPTY_BYTECODE, 2.0)
        assert outcome.kind == "crash" and outcome.how == "died", outcome
        crash = fuzzer.triage(outcome, full=True)
        assert crash.key == "ubsan-null-pointer-in-load_raw_code"
        assert crash.first_line.startswith("py/persistentcode.c:")
        assert "runtime error: load of null pointer" in crash.first_line
        assert [f.function for f in crash.frames[:2]] == ["load_raw_code", "mp_raw_code_load"]
        after = fuzzer.pool.run(ordinary_blob, 5.0)
        assert (after.kind, after.status) == ("completed", "ok")
    finally:
        fuzzer.close()


def smoke(firmware, corpus, workdir: Path):
    # One lane: every runner then sees the same executions in the same order.
    # (With two, outcomes can differ by one or two: a LOAD does not clear the
    # heap, so what a wild read finds depends on what ran before in that
    # runner.)
    fuzzer = Fuzzer(firmware, workdir, seed=7, timeout=1.0, lanes=1)
    try:
        kept = fuzzer.calibrate(corpus)
        blobs = fuzzer.fuzz_blobs(kept, 300)
        frames = fuzzer.fuzz_frames(kept, 60)
        return blobs, frames, sorted(fuzzer.findings), {k: f.execution for k, f in fuzzer.findings.items()}
    finally:
        fuzzer.close()


def test_fuzz_driver_smoke_is_deterministic(fuzz_parts):
    firmware, corpus = fuzz_parts
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        first = smoke(firmware, corpus, Path(a))
        second = smoke(firmware, corpus, Path(b))
    blobs, frames, keys, examples = first
    assert blobs.execs == 300 and sum(blobs.outcomes.values()) == 300
    assert frames.execs == 60 and sum(frames.outcomes.values()) == 60
    assert blobs.crashes > 0 and keys          # mutants do crash this VM; each is triaged
    assert "harness-error" not in blobs.outcomes and "harness-error" not in frames.outcomes
    # Same seed: same inputs, same outcomes, same findings and examples.
    assert (blobs.digest, frames.digest) == (second[0].digest, second[1].digest)
    assert blobs.outcomes == second[0].outcomes and frames.outcomes == second[1].outcomes
    assert (keys, examples) == (second[2], second[3])


def test_mutator_is_reproducible_and_keeps_blobs_bounded(fuzz_parts):
    _, corpus = fuzz_parts
    seeds = [blob for _, blob in corpus[:40]]
    runs = [[m.mutate() for _ in range(500)] for m in (Mutator(seeds, random.Random(3), max_size=2048),
                                                       Mutator(seeds, random.Random(3), max_size=2048))]
    assert runs[0] == runs[1]
    assert all(len(blob) <= 2048 for blob, _, _ in runs[0])
    assert len({blob for blob, _, _ in runs[0]}) > 450
    # Layout-aware mutations mostly keep a blob's structure whole.
    whole = sum(parse(blob).complete for blob, how, _ in runs[0] if how in ("qstr-data", "obj-data", "opcode"))
    assert whole > 0


def test_classify_reads_each_kind_of_report(tmp_path):
    elf = tmp_path / "firmware.elf"
    asan = ("==12==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602 at pc 0x55 bp 0x7f sp 0x7f\n"
            "READ of size 1 at 0x602 thread T0\n"
            "    #0 0x55 in load_qstr /src/micropython/py/persistentcode.c:171\n"
            "    #1 0x56 in mp_raw_code_load /src/micropython/py/persistentcode.c:428\n\n"
            "0x602 is located 0 bytes to the right of 8-byte region\n"
            "    #0 0x57 in malloc (/lib/libasan.so.8+0xbd)\n")
    crash = classify("died", 1, asan, elf)
    assert crash.key == "asan-heap-buffer-overflow-in-load_qstr"
    assert crash.first_line.startswith("ERROR: AddressSanitizer: heap-buffer-overflow")
    assert [str(f) for f in crash.frames] == ["load_qstr py/persistentcode.c:171"]
    ubsan = ("/src/mp/py/mpz.c:868:23: runtime error: left shift of 255 by 24 places cannot be represented\n"
             "    #0 0x1 in mpz_set_from_bytes /src/mp/py/mpz.c:868\n")
    assert classify("died", 1, ubsan, elf).key == "ubsan-left-shift-in-mpz_set_from_bytes"
    failed = "firmware.elf: /src/mp/py/qstr.c:198: find_qstr: Assertion `*q < pool->len' failed.\n"
    crash = classify("fault", 134, failed, elf)
    assert (crash.key, str(crash.top)) == ("assert-in-find_qstr", "find_qstr py/qstr.c:198")
    assert classify("reset", None, "", elf).key == "reset"
    assert classify("died", -9, "", elf).key == "died-SIGKILL"


def test_ddmin_reaches_a_one_minimal_input():
    rng = random.Random(5)
    noise = bytes(rng.choice(b"abcdefghij") for _ in range(600))
    data = noise[:100] + b"\xde\xad" + noise[100:400] + b"X" + noise[400:] + b"Y"
    calls = Counter()

    def interesting(candidate: bytes) -> bool:
        calls[candidate] += 1
        return b"\xde\xad" in candidate and b"X" in candidate and candidate.endswith(b"Y")

    result = ddmin(data, interesting)
    assert result.data == b"\xde\xadXY" and result.complete
    assert max(calls.values()) == 1            # every candidate tested once
    assert result.tests == len(calls) < 2000


def test_ddmin_stops_at_its_budget():
    result = ddmin(bytes(range(200)), lambda c: 0 in c and 199 in c, max_tests=10)
    assert result.tests == 10 and not result.complete
    assert 0 in result.data and 199 in result.data


def test_minimise_blob_keeps_a_well_formed_mpy(fuzz_parts):
    _, corpus = fuzz_parts
    blob = max((b for _, b in corpus if b"needle" not in b and 600 < len(b) < 2000), key=len)
    layout = parse(blob)
    # Make the predicate need one particular qstr: rename the first dynamic one.
    index = layout.of("qstr_data")[0]
    marked = with_data(blob, layout, index, b"needle")

    def interesting(candidate: bytes) -> bool:
        return parse(candidate).complete and b"needle\x00" in candidate

    result = minimise_blob(marked, interesting, max_tests=3000)
    assert interesting(result.data)
    assert len(result.data) < len(marked) // 4
