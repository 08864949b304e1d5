"""python -m bench takes --target as the harness does, and a wrong one is a
usage error, not a traceback."""

import bench.__main__ as bench_main


def test_a_target_that_does_not_exist_is_one_clear_error(capsys):
    assert bench_main.main(["timelimits", "--target", "qemu-m0,qemu-m1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m bench: no target named 'qemu-m1'") and "Traceback" not in err


def test_targets_are_comma_separated_or_repeated(monkeypatch):
    seen = []
    monkeypatch.setattr("bench.timelimits.bench_timelimits", seen.append)
    assert bench_main.main(["timelimits", "--target", "qemu-m0,qemu-g030", "--target", "qemu-g030-pika"]) == 0
    assert seen == [["qemu-m0", "qemu-g030", "qemu-g030-pika"]]
