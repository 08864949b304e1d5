"""The run-level Allure files, from what the targets' sessions report."""

import re
from types import SimpleNamespace

from harness.reports.allure_files import CATEGORIES, target_environment, write_environment


def fake_run(board=None):
    session = SimpleNamespace(info="vm=micropython build=0123456789abcdef", firmware=None, footprint=None,
                              board=board)
    toolchain = SimpleNamespace(source=SimpleNamespace(origin="mpy-cross-v6-3==1.1.1", digest="ab" * 32),
                                profile=SimpleNamespace(name="micropython"))
    return SimpleNamespace(session=session, toolchain=toolchain, reference=None,
                           target=SimpleNamespace(name="g030", memory={}))


def test_environment_names_boards_and_targets_that_never_came_up(tmp_path):
    board = SimpleNamespace(name="desk-1", origin="boards.toml", options={"probe": "066DFF485", "port": "/dev/ttyACM0"})
    env = target_environment(fake_run(board))
    assert env["board"] == "desk-1 (boards.toml)" and env["board.probe"] == "066DFF485"
    path = write_environment(tmp_path, {"g030": {**env, "device": "line one\nline two"}}, ["g030", "esp32"])
    lines = path.read_text().splitlines()
    assert "vm.source.sha256 = " + "ab" * 32 in lines
    assert "g030.board.port = /dev/ttyACM0" in lines
    assert "g030.device = line one\\nline two" in lines      # one property, one line
    assert "esp32.status = never came up (see the broken cases)" in lines


def test_categories_keep_infrastructure_apart_from_conformance():
    def category(status, message):
        return next((c["name"] for c in CATEGORIES if status in c["matchedStatuses"]
                     and re.fullmatch(c.get("messageRegex", "[\\s\\S]*"), message)), None)

    assert category("failed", "harness.plugin.CaseVerdict: fail: ints/x on g030: output differs\nmore") == \
        "Output mismatches"
    assert category("failed", "harness.plugin.CaseVerdict: vm-crash: a on b: fault") == "VM crashes"
    assert category("failed", "harness.plugin.CaseVerdict: timeout: a on b: no result") == "Timeouts"
    assert category("failed", "harness.plugin.CaseVerdict: perf-regression: a on b: slower") == "Perf regressions"
    assert category("broken", "harness.errors.BuildError: building x failed\n  -> fix it") == "Infrastructure: build"
    assert category("broken", "harness.errors.InfrastructureError: board lost") == \
        "Infrastructure: board or emulator lost"
    assert category("broken", "harness.protocol.DeviceTimeout: device did not answer") == \
        "Infrastructure: board or emulator lost"
    assert category("broken", "KeyError: 'x'") == "Harness errors"
    # Results written without pytest (python -m harness suite) give a verdict's summary alone.
    assert category("failed", "fail: ints/x on g030: output differs\nmore") == "Output mismatches"
    assert category("failed", "vm-crash: a on b: fault") == "VM crashes"
    assert category("failed", "timeout: a on b: no result") == "Timeouts"
    assert category("failed", "perf-regression: a on b: slower") == "Perf regressions"
    # A verdict never lands in an infrastructure category, nor the other way round.
    assert category("broken", "harness.plugin.CaseVerdict: fail: a on b: x") == "Harness errors"
    assert category("broken", "fail: a on b: x") == "Harness errors"
    assert category("failed", "harness.errors.ConfigError: bad option") is None
    # A known deviation of the VM's (both front ends write pytest's XFAIL message), and one gone.
    assert category("skipped", "XFAIL known deviation (list.txt:3): repr() is no built-in; fail: output "
                               "differs") == "Known deviations"
    assert category("skipped", "XFAIL some other reason") is None
    assert category("failed", "harness.plugin.CaseVerdict: fail: a on b: listed as a known deviation (x) but it "
                              "passed: remove its line, list.txt:3") == "Known deviations gone"
    assert category("failed", "fail: a on b: listed as a known deviation (x) but it passed") == \
        "Known deviations gone"


def test_corpus_scripts_are_grouped_by_corpus_and_folder(tmp_path):
    """Not all under "(top level)": a corpus is an epic of its own, its folders its suites."""
    from types import SimpleNamespace

    from harness.reports.allure import describe_case

    corpus = tmp_path / "basics"
    labels = {}
    for case_id in ("builtin_abs", "sub/nested"):
        test = SimpleNamespace(labels=[], parameters=[], name="", description="")
        case = SimpleNamespace(id=case_id, corpus=str(corpus), path=corpus / f"{case_id}.py")
        describe_case(test, case, "qemu-m0")
        labels[case_id] = {label.name: label.value for label in test.labels}
    assert labels["builtin_abs"]["epic"] == "corpus basics" and labels["builtin_abs"]["suite"] == "(top)"
    assert labels["sub/nested"]["epic"] == "corpus basics" and labels["sub/nested"]["suite"] == "sub"
    assert labels["sub/nested"]["subSuite"] == "sub/nested"
