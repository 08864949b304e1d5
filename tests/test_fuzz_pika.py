"""PikaScript's fuzz findings replayed through the normal harness, and the
PikaScript parts of the fuzzer (bench/fuzz/pika*.py).

Every stored finding (tests/fuzz/findings/pika-host-asan, written by
`python -m bench.fuzz --target pika-host-asan`) is a .py.o or .py.a that
crashed the sanitizer runner of the 1.14 core. On the plain host runner
pika-host32 the harness must turn it into a classified Execution, never an
exception, and the next ordinary blob must still run; what the VM does with
it may differ from the sanitizer build (undefined behaviour). One finding is
checked to crash the sanitizer runner still, with its stored key.
"""

from __future__ import annotations

import random

import pytest

from bench.fuzz.__main__ import build_runner, prepare, seed_corpus
from bench.fuzz.campaign import Fuzzer
from bench.fuzz.findings import findings_dir, load_all
from bench.fuzz.pika import parse
from bench.fuzz.pika_minimise import minimise_pika_blob
from bench.fuzz.pika_mutate import PikaMutator
from harness.paths import CASES_DIR
from harness.suite.session import SuiteRun
from harness.transports import booter as p

pytestmark = pytest.mark.integration

TARGET = "pika-host-asan"
FINDINGS = load_all(findings_dir(TARGET))
ORDINARY = b"print('still here', 6 * 7)\n"
COMPLETED_STATUSES = {"ok", "exception", "memory-error", "load-error"}
SEED_CASES = ["ints", "str", "classes", "closures"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    suite = SuiteRun("pika-host32", log_dir=tmp_path_factory.mktemp("logs"), compare_baseline=False).start()
    yield suite
    suite.stop()


@pytest.fixture(scope="module")
def seeds():
    tc = prepare(TARGET)
    corpus = []
    for area in SEED_CASES:
        corpus += seed_corpus(tc, CASES_DIR / area, TARGET, libraries=True)
    return tc, corpus


def assert_classified(execution) -> None:
    assert execution.kind in ("completed", "crashed", "timeout", "rejected"), execution
    if execution.kind == "completed":
        assert execution.record.status in COMPLETED_STATUSES, execution
        if execution.record.status != "ok":
            assert execution.record.trace.strip(), execution
    elif execution.kind == "crashed":
        assert "PC" in execution.detail or "runner" in execution.detail or "stopped" in execution.detail, execution
    elif execution.kind == "timeout":
        assert "did not finish" in execution.detail, execution
    else:
        assert execution.rejection in p.ERROR_NAMES.values(), execution


def test_findings_are_stored_and_described():
    assert FINDINGS, "no PikaScript finding stored: run python -m bench.fuzz --target pika-host-asan"
    for finding in FINDINGS:
        assert finding.path.name == finding.key + (".py.a" if finding.data.startswith(b"\x0fpya") else ".py.o")
        assert finding.meta["first_line"] and finding.meta["kind"] and finding.meta["size"] == len(finding.data)
        assert finding.meta["runner"]["target"] == TARGET and finding.meta["runner"]["pin"] == "1.14.0"


@pytest.mark.parametrize("finding", FINDINGS, ids=[f.key for f in FINDINGS])
def test_finding_is_classified_and_the_runner_recovers(run, finding):
    assert_classified(run.session.execute(finding.data, 1.0))
    blob = run.toolchain.compile(run.target, ORDINARY, "ordinary.py")
    after = run.session.execute(blob, 10)
    assert after.kind == "completed" and after.record.output == b"still here 42\r\n", after


def test_a_finding_still_crashes_the_sanitizer_runner(seeds, tmp_path):
    tc, _ = seeds
    finding = min((f for f in FINDINGS if f.meta["kind"].startswith(("asan-", "ubsan-"))), key=lambda f: f.meta["size"])
    fuzzer = Fuzzer(build_runner(tc, TARGET), tmp_path, seed=1, timeout=2.0, lanes=1)
    try:
        crash = fuzzer.replay("blobs", finding.data, full=True)
        assert crash is not None and crash.key == finding.key, crash
    finally:
        fuzzer.close()


def test_the_layout_model_packs_as_the_core_does(seeds):
    _, corpus = seeds
    libraries = [blob for name, blob in corpus if name.endswith("+helper")]
    modules = [blob for name, blob in corpus if not name.endswith("+helper")]
    assert libraries and modules
    for blob in libraries + modules:
        parsed = parse(blob)
        assert parsed is not None and parsed.encode() == blob


def test_mutator_is_reproducible_bounded_and_feeds_both_loaders(seeds):
    _, corpus = seeds
    blobs = [blob for _, blob in corpus]
    runs = [[m.mutate() for _ in range(600)] for m in (PikaMutator(blobs, random.Random(3), max_size=4096),
                                                       PikaMutator(blobs, random.Random(3), max_size=4096))]
    assert runs[0] == runs[1]
    assert all(len(blob) <= 4096 for blob, _, _ in runs[0])
    assert len({blob for blob, _, _ in runs[0]}) > 500
    kinds = {blob[:4] for blob, _, _ in runs[0]}
    assert {b"\x0fpyo", b"\x0fpya"} <= kinds
    # Layout-aware mutations alone (all but the lies) keep sizes and checksum whole.
    mutator = PikaMutator(blobs, random.Random(3))
    structured = {op.__name__.replace("_", "-") for op, _ in mutator.structured} - {"lie"}
    whole = [parse(blob) is not None for blob, how, _ in runs[0] if how in structured]
    assert len(whole) > 200 and all(whole)


def test_minimiser_keeps_a_well_formed_blob(seeds):
    _, corpus = seeds
    blob = max((b for n, b in corpus if n.endswith("+helper") and len(b) < 3000), key=len)
    needle = parse(blob).modules[0][1].instructions[-1]

    def interesting(candidate: bytes) -> bool:
        parsed = parse(candidate)
        return parsed is not None and any(needle in c.instructions for _, c in parsed.modules)

    result = minimise_pika_blob(blob, interesting, max_tests=2000)
    assert interesting(result.data) and len(result.data) < len(blob) // 2
