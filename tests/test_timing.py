"""Timing: repeatable figures, host medians, baselines and perf regressions,
benchmarks with their driver, and the timing report."""

import json
import xml.etree.ElementTree as ET

import pytest

from harness.reports.baseline import Baseline
from harness.reports.timing import mark_anomalies, write_report
from harness.suite.session import SuiteRun
from harness.suite.verdict import Verdict

SVG = "{http://www.w3.org/2000/svg}"

WORK = "t = 0\nfor i in range({n}):\n    t += i * 3 % 7\nprint(t % 1000)\n"


@pytest.fixture(scope="module")
def g030(toolchain, tmp_path_factory):
    run = SuiteRun("qemu-g030", toolchain=toolchain, log_dir=tmp_path_factory.mktemp("logs"),
                   baseline_dir=tmp_path_factory.mktemp("baselines")).start()
    yield run
    run.stop()


def record(result):
    return {"case": result.case_id, "verdict": result.verdict.value, "figures": result.figures,
            "reference": result.reference}


def test_device_cycles_repeat_and_host_takes_a_median(g030, make_case):
    case = make_case("work", WORK.format(n=300))
    first, second = g030.run_case(case), g030.run_case(case)
    assert first.figures["run_cycles"] == second.figures["run_cycles"]
    assert first.figures["timing_runs"] == 1 and first.figures["timing_spread"] == 0.0
    ref = first.reference
    assert ref["timing_runs"] == 5 and ref["timing_spread"] >= 0
    assert first.figures["device_host_ratio"] == pytest.approx(first.figures["run_seconds"] / ref["run_seconds"])


def test_slower_than_the_baseline_is_a_perf_regression(g030, make_case):
    fast = g030.run_case(make_case("loop", WORK.format(n=200)))
    assert fast.verdict is Verdict.PASS
    g030.baseline.update([record(fast)], {})
    # The same case made slower: three times the work.
    slow = g030.run_case(make_case("loop", WORK.format(n=600)))
    assert slow.verdict is Verdict.PERF_REGRESSION
    assert str(fast.figures["run_cycles"]) in slow.message and str(slow.figures["run_cycles"]) in slow.message
    assert "tolerance 10%" in slow.message
    # Faster than the baseline: still a pass, reported as an improvement.
    g030.baseline.update([record(slow) | {"verdict": "pass"}], {})
    quick = g030.run_case(make_case("loop", WORK.format(n=200)))
    assert quick.verdict is Verdict.PASS and quick.message.startswith("faster than its baseline")


def test_a_case_may_allow_more_slowdown(g030, make_case):
    base = g030.run_case(make_case("lenient", WORK.format(n=200)))
    g030.baseline.update([record(base)], {})
    slower = g030.run_case(make_case("lenient", "# perf-tolerance: 300%\n" + WORK.format(n=500)))
    assert slower.verdict is Verdict.PASS


def test_baseline_file_round_trip(g030):
    data = json.loads(g030.baseline.path.read_text())
    assert data["target"] == "qemu-g030" and data["metric"] == "run_cycles"
    assert Baseline(g030.target, g030.baseline.path.parent).cases == g030.baseline.cases


BENCH = """# perf: sums
def bench(scale, heap):
    n = min(heap // 64, 200)
    total = 0
    for _ in range(scale):
        for i in range(n):
            total = (total + i * i) % 10007
    return n, total

def check(scale, result):
    n, total = result
    return total == (scale * sum(i * i for i in range(n))) % 10007
"""


def test_benchmark_gets_its_driver_and_a_score(g030, make_case):
    result = g030.run_case(make_case("bench", BENCH))
    assert result.verdict is Verdict.PASS, result.summary()
    assert result.actual == "perf ok\n"
    perf = result.figures["perf"]
    assert perf["unit"] == "sums" and perf["scale"] == 1 and perf["score"] > 0


def test_a_fast_wrong_benchmark_fails(g030, make_case):
    wrong = BENCH.replace("total = (total + i * i) % 10007", "total = (total + i) % 10007")
    result = g030.run_case(make_case("wrong", wrong))
    assert result.verdict is Verdict.FAIL and "+perf WRONG" in result.diff


def test_report_marks_anomalies_and_writes_table_and_plot(tmp_path):
    records = [{"case": f"c{i}", "verdict": "pass", "reference": {"run_seconds": 1e-5, "heap_peak": 100},
                "figures": {"device_host_ratio": r, "run_seconds": r * 1e-5, "run_cycles": int(r * 160),
                            "heap_peak": 100 if i else 180}}
               for i, r in enumerate([50, 52, 48, 51, 400, 3])]
    assert mark_anomalies(records) == pytest.approx(50.5)
    summary = write_report("demo", records, tmp_path)
    assert [case for case, _ in summary.anomalies] == ["c5", "c4"]
    assert summary.heap_differences == [("c0", 180, 100)]
    names = {p.name for p in summary.files}
    assert names == {"timing-demo.csv", "timing-demo.md", "timing-demo.svg"}
    # The plot: one bar per case in the order of its ratio, anomalies in red, named in their tooltips.
    svg = ET.parse(tmp_path / "timing-demo.svg").getroot()
    bars = [(line.find(f"{SVG}title").text, line.get("stroke")) for line in svg.iter(f"{SVG}line")
            if line.find(f"{SVG}title") is not None]
    assert [title for title, _ in bars] == ["c5: ratio 3.00 (anomaly)", "c2: ratio 48.00", "c0: ratio 50.00",
                                            "c3: ratio 51.00", "c1: ratio 52.00", "c4: ratio 400.00 (anomaly)"]
    assert {title.split(":")[0] for title, stroke in bars if stroke == "#d62728"} == {"c4", "c5"}
    assert "| c4 | pass |" in (tmp_path / "timing-demo.md").read_text()
