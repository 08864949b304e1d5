"""Time limits derived from the host reference's run (harness/suite/timelimits.py):
the arithmetic, the cache, and a hang on qemu-m0 judged by the rule."""

import json
import re

import pytest

from harness.device.device import Execution
from harness.device.info import RunRecord
from harness.suite.calibration import calibrate
from harness.suite.session import SuiteRun
from harness.suite.timelimits import TimeLimits
from harness.suite.verdict import Verdict
from harness.vms.base import CompileError


def limits(tmp_path, samples=(), fixed=10.0, floor=0.5):
    rule = TimeLimits("qemu-m0", "host32-m0", fixed, floor, tmp_path)
    for mirror, device in samples:
        rule.observe(mirror, device)
    return rule


def test_unmeasured_limits_are_the_fixed_ones(tmp_path):
    rule = limits(tmp_path)
    mirror = rule.for_mirror()
    assert (mirror.seconds, mirror.rule) == (10.0, "fixed")
    assert rule.for_device(0.01, mirror).seconds == 10.0
    # A mirror that used the whole fixed limit: the device is no faster.
    hang = rule.for_device(None, mirror)
    assert (hang.seconds, hang.rule) == (0.5, "confirm-hang")
    assert "ran past the fixed limit 10 s" in hang.why


def test_measured_ratios_set_both_limits(tmp_path):
    rule = limits(tmp_path, [(0.1, 2.0), (0.05, 1.5), (0.001, 0.2)])  # ratios 20, 30; the last too short to count
    assert rule.low_ratio() == 20 and rule.high_ratio() == 30
    mirror = rule.for_mirror()
    assert mirror.rule == "derived" and mirror.seconds == pytest.approx(10 * 2 / 20)
    device = rule.for_device(0.02, mirror)
    assert device.rule == "derived" and device.seconds == pytest.approx(0.5 + 3 * 30 * 0.02)
    assert rule.for_device(1.0, mirror).seconds == 10.0  # never past the fixed limit
    hang = rule.for_device(None, mirror)
    assert hang.seconds == 0.5 and "predicts more than 10 s here" in hang.why


def test_with_many_samples_one_slow_host_run_does_not_set_the_low_ratio(tmp_path):
    rule = limits(tmp_path, [(0.1, 3.0)] * 39 + [(0.1, 0.5)])  # 39 at 30, one at 5
    assert rule.low_ratio() == 30
    # Few samples: the lowest is left out once there are three; two low ones are a pattern.
    assert limits(tmp_path, [(0.1, 3.0)] * 9 + [(0.1, 0.5)]).low_ratio() == 30
    assert limits(tmp_path, [(0.1, 3.0)] * 8 + [(0.1, 0.5)] * 2).low_ratio() == 5
    assert limits(tmp_path, [(0.1, 3.0), (0.1, 0.5)]).low_ratio() == 5


def test_a_cache_of_samples_taken_under_another_rule_is_measured_again(tmp_path):
    (tmp_path / "time-limits").mkdir()
    (tmp_path / "time-limits" / "qemu-m0.json").write_text(
        json.dumps({"reference": "host32-m0", "samples": [[0.1, 2.0]] * 3}))   # no "rule": the first one
    assert limits(tmp_path).samples == []
    rule = limits(tmp_path, [(0.1, 2.0)])
    rule.save()
    assert limits(tmp_path).samples == [(0.1, 2.0)]


def test_ratios_are_kept_for_the_next_run_and_a_damaged_file_only_loses_them(tmp_path):
    rule = limits(tmp_path, [(0.1, 2.0)])
    rule.save()
    assert limits(tmp_path).low_ratio() == 20
    assert TimeLimits("qemu-m0", "another-mirror", 10, 0.5, tmp_path).samples == []
    (tmp_path / "time-limits" / "qemu-m0.json").write_text("{not json")
    assert limits(tmp_path).samples == []


def test_a_limit_must_be_positive(tmp_path, monkeypatch):
    from harness.errors import ConfigError
    from harness.targets import load_target

    folder = tmp_path / "targets" / "slowboard"
    folder.mkdir(parents=True)
    text = (load_target("qemu-m0").path.read_text().replace('name = "qemu-m0"', 'name = "slowboard"')
            + "timeout_floor = 0\n")
    (folder / "target.toml").write_text(text)
    monkeypatch.setenv("HIL_TARGETS", str(tmp_path / "targets"))
    with pytest.raises(ConfigError, match="timeout_floor must be a positive number of seconds"):
        load_target("slowboard")


@pytest.mark.integration
def test_a_hang_on_qemu_m0_is_confirmed_within_the_floor(toolchain, tmp_path, make_case):
    run = SuiteRun("qemu-m0", toolchain=toolchain, log_dir=tmp_path / "logs")
    run.limits.path = tmp_path / "limits.json"  # the test's ratios stay out of the real cache
    run.limits.samples = [(0.1, 2.0)] * 3       # device/host ratio 20
    with run:
        hang = run.run_case(make_case("hang", "print('before')\nwhile True:\n    pass\n"))
        fine = run.run_case(make_case("fine", "s = 0\nfor i in range(100000):\n    s += i % 7\nprint(s)\n"))
        given = run.run_case(make_case("given", "# timeout: 0.7\nwhile True:\n    pass\n"))
        run.limits.observe(0.1, 3.0)  # a measurement, kept when the run stops
    assert hang.verdict is Verdict.TIMEOUT
    assert hang.figures["time_limit"]["rule"] == "confirm-hang" and hang.figures["time_limit"]["seconds"] == 0.5
    assert "its host reference host32-m0 ran past 1.00 s, which predicts more than 10 s here" in hang.message
    assert fine.verdict is Verdict.PASS and fine.figures["time_limit"]["rule"] == "derived"
    # A limit the case gives wins over the rule.
    assert given.verdict is Verdict.TIMEOUT and given.figures["time_limit"] == {"seconds": 0.7, "rule": "fixed",
                                                                                "why": "given"}
    assert json.loads((tmp_path / "limits.json").read_text())["reference"] == "host32-m0"


@pytest.mark.integration
def test_only_runs_that_end_alike_on_both_sides_are_measured(toolchain, tmp_path, make_case):
    """A mirror's run that ended otherwise than the board's (here: it
    printed more, for a second longer) did other work: its time is no ratio."""
    run = SuiteRun("qemu-m0", toolchain=toolchain, log_dir=tmp_path / "logs")
    run.limits.path, run.limits.samples = tmp_path / "limits.json", [(0.1, 2.0)] * 3
    case = make_case("loop", "s = 0\nfor i in range(200000):\n    s += i % 7\nprint(s)\n")
    with run:
        run.run_case(case)
        assert len(run.limits.samples) == 4   # alike: measured
        mirror = run.reference

        class OtherEnd:
            def __getattr__(self, name):
                return getattr(mirror, name)

            def execute(self, blob, timeout):
                execution = mirror.execute(blob, timeout)
                execution.record.output += b"more\n"
                execution.record.wall_seconds += 1.0
                return execution

        run.reference = OtherEnd()
        run.run_case(case)
    assert len(run.limits.samples) == 4 and run.limits.low_ratio() == 20


def test_the_low_ratio_comes_from_the_longest_runs_there_are_enough_of(tmp_path):
    short = [(0.03, 0.3)] * 5                       # ratio 10: start-up weighs on the mirror
    assert limits(tmp_path, short).low_ratio() == 10
    assert limits(tmp_path, short + [(0.2, 6.0)] * 2).low_ratio() == 10   # two long runs are not enough
    assert limits(tmp_path, short + [(0.2, 6.0)] * 3).low_ratio() == 30


def test_on_a_link_of_known_rate_output_gets_its_time_on_the_wire(tmp_path):
    rule = TimeLimits("g030", "host32", 10.0, 0.5, tmp_path, baud=115200)
    rule.observe(0.1, 2.0)
    limit = rule.for_device(0.001, rule.for_mirror(), output_bytes=11520)  # 1 s at 115200 baud
    assert limit.seconds == pytest.approx(0.5 + 3 * (20 * 0.001 + 1.0))
    assert "11520 bytes of output on its link" in limit.why
    from harness.targets import load_target
    assert load_target("g030").link_rate == 115200 and load_target("qemu-m0").link_rate == 0


class CountingSession:
    """A session whose run of the counting loop takes ``seconds_per_count``
    a count (the program's N read back from its source)."""

    def __init__(self, seconds_per_count: float, status: str = "ok"):
        self.seconds_per_count, self.status, self.runs = seconds_per_count, status, []

    def execute(self, blob: bytes, timeout: float) -> Execution:
        count = int(re.search(rb"while i < (\d+)", blob).group(1))
        self.runs.append(count)
        return Execution("completed", RunRecord(self.status, wall_seconds=count * self.seconds_per_count))


def test_a_fresh_cache_measures_the_ratio_on_a_loop_scaled_to_the_longest_tier(tmp_path):
    rule = limits(tmp_path)
    mirror, device = CountingSession(1e-6), CountingSession(20e-6)
    said = calibrate(rule, lambda source: source.encode(), mirror, device)
    # Runs under 20 ms on the mirror only scale the loop; three samples follow.
    assert all(count * 1e-6 < 0.02 for count in mirror.runs[:-3]) and len(device.runs) == 3
    assert all(count * 1e-6 >= 0.02 for count in device.runs)
    assert rule.low_ratio() == pytest.approx(20) and rule.for_mirror().rule == "derived"
    assert said.startswith("qemu-m0: no device/host ratio in the cache yet: measured 20.0 to 20.0 against host32-m0")


@pytest.mark.parametrize("broken", ["compiler", "mirror", "device"])
def test_a_vm_that_cannot_run_the_loop_leaves_the_limits_fixed(tmp_path, broken):
    def compile_program(source):
        if broken == "compiler":
            raise CompileError("refused")
        return source.encode()

    rule = limits(tmp_path)
    mirror = CountingSession(1e-6, "exception" if broken == "mirror" else "ok")
    device = CountingSession(20e-6, "fault" if broken == "device" else "ok")
    assert calibrate(rule, compile_program, mirror, device) == ""
    assert rule.samples == [] and rule.for_mirror().rule == "fixed"


@pytest.mark.integration
def test_the_first_case_of_a_fresh_cache_has_derived_limits(toolchain, tmp_path, make_case, capsys):
    run = SuiteRun("qemu-m0", toolchain=toolchain, log_dir=tmp_path / "logs")
    run.limits.path, run.limits.samples = tmp_path / "limits.json", []
    with run:
        hang = run.run_case(make_case("hang", "while True:\n    pass\n"))
    assert hang.verdict is Verdict.TIMEOUT and hang.figures["time_limit"]["rule"] == "confirm-hang"
    assert "which predicts more than 10 s here" in hang.message   # the mirror's limit was derived
    assert "qemu-m0: no device/host ratio in the cache yet: measured" in capsys.readouterr().err
    assert len(json.loads((tmp_path / "limits.json").read_text())["samples"]) == 3
