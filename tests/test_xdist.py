"""pytest-xdist: each worker runs its own QEMU, both share the cases, and
every QEMU is gone when the run ends. (Speed is measured in bench/, not here.)"""

import json
import os
import subprocess
import sys


def qemus_under(folder) -> list[str]:
    """Command lines of running QEMUs whose serial socket lives below ``folder``."""
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line.startswith("qemu-system") and str(folder) in line]


def test_two_workers_two_qemus_same_verdicts_none_left(pytester, tmp_path):
    pytester.makeini("[pytest]\nhil_case_roots = mycases\n")
    cases = pytester.path / "mycases"
    cases.mkdir()
    for i in range(8):
        (cases / f"case{i}.py").write_text(f"print({i} * 7, 'x' * {i})\n")
    (cases / "wrong.py").write_text("print('actual')\n")
    (cases / "wrong.exp").write_text("# differs on purpose\nexpected\n")
    # Each QEMU's serial socket goes below TMPDIR: a fresh one tells this run's QEMUs from others'.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}

    def run(*args):
        proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--target=qemu-m0", "-v",
                               f"--hil-journal={pytester.path / 'journal.jsonl'}", *args, "mycases"],
                              cwd=pytester.path, env=env, capture_output=True, text=True, timeout=600)
        results = sorted((r["case"], r["verdict"]) for r in map(json.loads, (
            pytester.path / "reports" / "results-qemu-m0.jsonl").read_text().splitlines()))
        return proc, results

    serial, serial_results = run("-p", "no:xdist")
    parallel, parallel_results = run("-n", "2", "--dist", "worksteal")
    assert serial.returncode == parallel.returncode == 1, parallel.stdout[-3000:]
    assert parallel_results == serial_results and len(parallel_results) == 9
    assert ("wrong", "fail") in parallel_results
    # both workers ran cases, so both brought up a QEMU
    assert "[gw0]" in parallel.stdout and "[gw1]" in parallel.stdout
    assert "qemu-m0: 8 pass, 1 fail" in parallel.stdout
    assert qemus_under(scratch) == []


def _build_in_worker(args):
    from harness.build import BuildSpec, build
    from harness.vmsource import VMSource

    project, cache = args
    spec = BuildSpec("once", project, "Makefile", product="out.bin", inputs=(project / "src.c",))
    source = VMSource(project, "0" * 64, "test")
    return build(spec, source, cache).ran_make


def test_workers_wanting_one_build_make_it_once(tmp_path):
    """Two workers asking for the same build at once: one runs make, the other
    waits for it and finds it done."""
    from concurrent.futures import ProcessPoolExecutor

    project = tmp_path / "project"
    project.mkdir()
    (project / "src.c").write_text("int x;\n")
    # A slow make that counts its runs.
    (project / "Makefile").write_text("all:\n\techo run >> $(BUILD)/../make-runs\n\tsleep 1\n"
                                      "\tcp src.c $(BUILD)/out.bin\n")
    cache = tmp_path / "cache"
    with ProcessPoolExecutor(2) as pool:
        ran = list(pool.map(_build_in_worker, [(project, cache)] * 2))
    assert sorted(ran) == [False, True]
    assert (cache / "build" / "make-runs").read_text() == "run\n"


def test_a_build_folder_holds_one_content_of_the_sources(tmp_path):
    """Worktrees side by side share the cache, never their objects: the key
    follows the sources' content, so two checkouts with different sources
    get two folders (make would link one's objects into the other's
    firmware), identical checkouts share one, and an edit is a new build id."""
    from harness.build import BuildSpec
    from harness.vmsource import VMSource

    source = VMSource(tmp_path, "0" * 64, "test")

    def key(checkout: str, text: str) -> str:
        folder = tmp_path / checkout / "targets"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "booter.c").write_text(text)
        spec = BuildSpec("firmware", folder, "Makefile", {"CONFIG": "m0"}, inputs=(folder,))
        return spec.key(source)

    original = key("a", "int x;\n")
    assert key("b", "int x;\n") == original
    assert key("b", "int y;\n") != original
    assert key("a", "int x;\n") == original
