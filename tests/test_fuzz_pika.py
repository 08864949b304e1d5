"""PikaScript's fuzz findings replayed through the normal harness, and the
PikaScript parts of the fuzzer (bench/fuzz/pika*.py), for each core.

Every stored finding (tests/fuzz/findings/<fuzz target>, written by
`python -m bench.fuzz --target <fuzz target>`) is a .py.o or .py.a that
crashed the sanitizer runner of its core: core 1.14's pika-host-asan, core
1.8.6's pika-host-asan-g030. On the plain host runner of the same core
(pika-host32, pika-host32-g030) the harness must turn it into a classified
Execution, never an exception, and the next ordinary blob must still run;
what the VM does with it may differ from the sanitizer build (undefined
behaviour). One finding of each is checked to crash the sanitizer runner
still, with its stored key.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from bench.fuzz.__main__ import MINIMAL_SEEDS, build_runner, fuzz_corpus, prepare
from bench.fuzz.campaign import Fuzzer
from bench.fuzz.findings import findings_dir, load_all
from bench.fuzz.formats import UnknownFormat, blob_format
from bench.fuzz.pika import V1_14, Layout
from bench.fuzz.pika_minimise import minimise_pika_blob
from bench.fuzz.pika_mutate import PikaMutator
from bench.fuzz.pika_v1_8_6 import V1_8_6
from harness.device.info import DeviceInfo
from harness.paths import CASES_DIR
from harness.suite.session import SuiteRun
from harness.transports import booter as p

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class FuzzTarget:
    name: str            # the sanitizer runner the findings come from
    mirror: str          # the plain host runner of the same core that replays them
    pin: str
    layout: Layout
    seeds: tuple         # folders whose programs seed the model's tests
    ordinary_output: bytes

    def __str__(self) -> str:
        return self.name


TARGETS = [
    FuzzTarget("pika-host-asan", "pika-host32", "1.14.0", V1_14,
               tuple(CASES_DIR / area for area in ("ints", "str", "classes", "closures")), b"still here 42\r\n"),
    # At the Booter's minimal syntax level few cases compile: the seeds written for it as well.
    FuzzTarget("pika-host-asan-g030", "pika-host32-g030", "1.8.6", V1_8_6,
               (CASES_DIR / "ints", CASES_DIR / "classes", MINIMAL_SEEDS), b"still here 42\r\n"),
]
FINDINGS = [(target, finding) for target in TARGETS for finding in load_all(findings_dir(target.name))]
ORDINARY = b"print('still here', 6 * 7)\n"
COMPLETED_STATUSES = {"ok", "exception", "memory-error", "load-error"}


@pytest.fixture(scope="module")
def mirrors(tmp_path_factory):
    """The started SuiteRun of a mirror, by name, started when first asked for."""
    started: dict[str, SuiteRun] = {}

    def get(name: str) -> SuiteRun:
        if name not in started:
            started[name] = SuiteRun(name, log_dir=tmp_path_factory.mktemp("logs"), compare_baseline=False).start()
        return started[name]

    yield get
    for run in started.values():
        run.stop()


@pytest.fixture(scope="module")
def corpora():
    """(toolchain, seed corpus) of a fuzz target, compiled when first asked for."""
    made = {}

    def get(target: FuzzTarget):
        if target.name not in made:
            tc = prepare(target.name)
            made[target.name] = tc, fuzz_corpus(tc, target.name, list(target.seeds))
        return made[target.name]

    return get


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


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_findings_are_stored_and_described(target):
    findings = load_all(findings_dir(target.name))
    assert findings, f"no finding stored for {target}: run python -m bench.fuzz --target {target}"
    for finding in findings:
        assert finding.path.name == finding.key + target.layout.suffix(finding.data)
        assert finding.meta["first_line"] and finding.meta["kind"] and finding.meta["size"] == len(finding.data)
        assert finding.meta["runner"]["target"] == target.name and finding.meta["runner"]["pin"] == target.pin


@pytest.mark.parametrize("target,finding", FINDINGS, ids=[f"{t}/{f.key}" for t, f in FINDINGS])
def test_finding_is_classified_and_the_runner_recovers(mirrors, target, finding):
    run = mirrors(target.mirror)
    assert_classified(run.session.execute(finding.data, 1.0))
    blob = run.toolchain.compile(run.target, ORDINARY, "ordinary.py")
    after = run.session.execute(blob, 10)
    assert after.kind == "completed" and after.record.output == target.ordinary_output, after


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_a_finding_still_crashes_the_sanitizer_runner(corpora, target, tmp_path):
    tc, _ = corpora(target)
    findings = [f for f in load_all(findings_dir(target.name)) if f.meta["kind"].startswith(("asan-", "ubsan-"))]
    finding = min(findings, key=lambda f: f.meta["size"])
    fuzzer = Fuzzer(build_runner(tc, target.name), tmp_path, seed=1, timeout=2.0, lanes=1)
    try:
        assert fuzzer.format.name == target.layout.name
        crash = fuzzer.replay("blobs", finding.data, full=True)
        assert crash is not None and crash.key == finding.key, crash
    finally:
        fuzzer.close()


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_the_layout_model_packs_as_the_core_does(corpora, target):
    _, corpus = corpora(target)
    libraries = [blob for name, blob in corpus if target.layout.suffix(blob) == ".py.a"]
    modules = [blob for name, blob in corpus if target.layout.suffix(blob) == ".py.o"]
    assert libraries and modules
    for blob in libraries + modules:
        parsed = target.layout.parse(blob)
        assert parsed is not None and parsed.encode() == blob
    # Neither core's layouts take the other's blobs.
    other = V1_8_6 if target.layout is V1_14 else V1_14
    assert all(other.parse(blob) is None for blob in libraries + modules)


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_mutator_is_reproducible_bounded_and_feeds_both_loaders(corpora, target):
    _, corpus = corpora(target)
    blobs = [blob for _, blob in corpus]
    layout = target.layout
    runs = [[m.mutate() for _ in range(600)] for m in (PikaMutator(blobs, random.Random(3), 4096, layout=layout),
                                                       PikaMutator(blobs, random.Random(3), 4096, layout=layout))]
    assert runs[0] == runs[1]
    assert all(len(blob) <= 4096 for blob, _, _ in runs[0])
    assert len({blob for blob, _, _ in runs[0]}) > 500
    # The seeds' kinds take turns: half the mutants come from each.
    assert {layout.suffix(blobs[index]) for _, _, index in runs[0][:2]} == {".py.o", ".py.a"}
    # Layout-aware mutations alone (all but the lies) keep sizes and checksum whole.
    mutator = PikaMutator(blobs, random.Random(3), layout=layout)
    structured = {op.__name__.replace("_", "-") for op, _ in mutator.structured} - {"lie"}
    whole = [layout.parse(blob) is not None for blob, how, _ in runs[0] if how in structured]
    assert len(whole) > 200 and all(whole)
    # The lies break what they lie about.
    lies = [blob for blob, how, _ in runs[0] if how == "lie"]
    assert lies and sum(layout.parse(blob) is None for blob in lies) > len(lies) // 2


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_minimiser_keeps_a_well_formed_blob(corpora, target):
    _, corpus = corpora(target)
    layout = target.layout
    blob = max((b for _, b in corpus if layout.suffix(b) == ".py.a" and len(b) < 3000), key=len)
    needle = layout.parse(blob).modules[0][1].instructions[-1]

    def interesting(candidate: bytes) -> bool:
        parsed = layout.parse(candidate)
        return parsed is not None and any(needle in c.instructions for _, c in parsed.modules)

    result = minimise_pika_blob(blob, interesting, max_tests=2000, layout=layout)
    assert interesting(result.data) and len(result.data) < len(blob) // 2


def test_the_runner_picks_its_core_s_layouts_and_an_unknown_core_stops():
    for target in TARGETS:
        info = DeviceInfo({"vm": "pikascript", "pyo": target.layout.core})
        assert blob_format(info).name == target.layout.name
    with pytest.raises(UnknownFormat, match=r"core 1\.9;.*cores 1\.14, 1\.8\.6 only"):
        blob_format(DeviceInfo({"vm": "pikascript", "pyo": "1.9"}))
