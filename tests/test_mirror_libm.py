"""The 32-bit host mirrors run the boards' math code: newlib's libm, built
for the host from Debian's newlib-source (harness/newlib.py,
targets/boards/posix/newlib-libm.mk), with floating point rounded as the
Cortex-M0's soft-float rounds it (targets/boards/posix/fp.mk)."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from test_cli_allure import suite

import harness.__main__ as cli
from harness import newlib
from harness.errors import SourceError
from harness.newlib import ARM_CC, arm_libm, build_libm, check_same_newlib, source_archive, unpacked_source
from harness.paths import TARGETS_DIR, cache_dir
from harness.suite.session import SuiteRun, TargetSession
from harness.targets import available_targets, load_target

# Scripts whose output on the board a mirror built otherwise got wrong: each
# with the make variables of that other mirror. The first two are issue 17's:
# newlib's powf(-1, nan) is 1 (C99 says nan) and its tgammaf(-inf) is inf
# (where MicroPython's math.gamma would raise ValueError on a nan).
SCRIPTS = {
    "pow_minus_one_nan.py": ("print((-1.0) ** float('nan'))\n", {"LIBM": "host"}),
    "gamma_minus_inf.py": ("import math\ntry:\n    print(math.gamma(-math.inf))\n"
                           "except ValueError as e:\n    print('ValueError:', e)\n", {"LIBM": "host"}),
    "log_e.py": ("import math\nprint(math.log(math.e))\n", {"LIBM": "host"}),
    # MicroPython's parser scales by powers of ten in float: the x87's
    # excess precision rounds otherwise than the board.
    "float_literal_digits.py": ("print('%.15g' % 123456789012345678.0)\n", {"FP_CFLAGS": ""}),
}


# --- no build needed ---------------------------------------------------------

def test_a_missing_newlib_source_says_which_package_to_install(tmp_path):
    with pytest.raises(SourceError) as err:
        source_archive(tmp_path / "nowhere")
    assert "apt install newlib-source" in str(err.value)


def test_without_the_newlib_source_a_mirror_run_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(newlib, "SOURCE_FOLDER", tmp_path / "nowhere")
    script = tmp_path / "p.py"
    script.write_text("print(1)\n")
    assert cli.main(["run", "--target", "host32-m0", str(script)]) != 0
    err = capsys.readouterr().err
    assert "apt install newlib-source" in err and "Traceback" not in err, err


def test_a_newlib_source_of_another_version_than_the_boards_library_is_refused():
    with pytest.raises(SourceError) as err:
        check_same_newlib("3.3.0-1.3", "3.3.0-1.3+deb12u1")
    assert "apt install newlib-source=3.3.0-1.3+deb12u1" in str(err.value)
    check_same_newlib("3.3.0-1.3+deb12u1", "3.3.0-1.3+deb12u1")
    check_same_newlib(None, "3.3.0-1.3+deb12u1")   # dpkg cannot say: nothing to compare


@pytest.mark.parametrize("variables, says", [
    (["LIBM=glibc"], 'LIBM must be host or newlib, not "glibc"'),
    (["LIBM=newlib"], "LIBM=newlib links the archive NEWLIB_LIBM names"),
    (["LIBM=newlib", "NEWLIB_LIBM=/nonexistent/libm.a"], '"/nonexistent/libm.a" is no file'),
])
def test_the_board_layer_refuses_a_libm_it_cannot_link(variables, says):
    proc = subprocess.run(["make", "-n", "-C", str(TARGETS_DIR), "-f", "boards/posix/board.mk", "BUILD=/nonexistent",
                           *variables], capture_output=True, text=True)
    assert proc.returncode != 0 and says in proc.stderr, proc.stderr


def test_every_host_mirror_of_a_cortex_m0_board_links_newlib_libm():
    mirrors = {}
    for name in available_targets(TARGETS_DIR):
        target = load_target(name, TARGETS_DIR)
        board_mk = TARGETS_DIR / "boards" / target.board / "board.mk" if target.board else None
        if target.reference and board_mk and "include common/cortex_m0.mk" in board_mk.read_text():
            mirrors[target.reference] = load_target(target.reference, TARGETS_DIR)
    assert {"host32", "host32-m0", "pika-host32"} <= set(mirrors)
    for name, mirror in mirrors.items():
        assert mirror.board == "posix" and mirror.make.get("BITS") == "32", name
        assert mirror.make.get("LIBM") == "newlib", name


# --- by construction ---------------------------------------------------------

def _units(arm_archive: Path) -> dict[str, list[str]]:
    """Each compile unit of the archive (its source below newlib/libm/) and
    the options its producer string records, read from its DWARF."""
    dump = subprocess.run([ARM_CC.replace("gcc", "readelf"), "--debug-dump=info", str(arm_archive)],
                          capture_output=True, text=True).stdout
    units, producer, in_unit = {}, [], False
    for line in dump.splitlines():
        if "DW_TAG_compile_unit" in line:
            in_unit = True
        elif in_unit and "DW_AT_producer" in line:
            producer = [w for w in line.split() if re.match(r"-[mOf]", w)]
        elif in_unit and "DW_AT_name" in line:
            units[line.split()[-1].split("newlib/libm/", 1)[1]] = producer
            in_unit = False
    return units


def test_the_newlib_source_is_the_source_of_the_boards_libm(tmp_path):
    """Compiled for the board with the options its DWARF records, every unit
    of the newlib source the mirrors' libm is built from gives the board's
    archive member byte for byte (debug information aside): the archive is
    made of this source. And the mirrors' libm has exactly those units."""
    libm = build_libm(cache_dir(), "32")
    arm_archive = arm_libm()
    units = _units(arm_archive)
    built = re.findall(r"^UNITS \+= (\S+)$", (libm.folder / "units.mk").read_text(), re.M)
    assert sorted(built) == sorted(units) and len(units) > 300
    source = unpacked_source(source_archive(), cache_dir()).root / "newlib"
    members = tmp_path / "members"
    members.mkdir()
    subprocess.run(["ar", "x", str(arm_archive)], cwd=members, check=True)
    compiler_includes = [f"-isystem{p}" for d in ("include", "include-fixed") if Path(
        p := subprocess.run([ARM_CC, f"-print-file-name={d}"], capture_output=True, text=True).stdout.strip()).is_dir()]
    strip = ARM_CC.replace("gcc", "strip")

    def differs(unit: str) -> str:
        stem = Path(unit).stem
        ours = tmp_path / f"{unit.replace('/', '_')}.o"
        proc = subprocess.run([ARM_CC, *units[unit], "-nostdinc", f"-I{libm.folder / 'include'}",
                               f"-isystem{source / 'libc' / 'include'}", *compiler_includes,
                               f"-I{source / 'libm' / 'common'}", "-w", "-c", str(source / "libm" / unit),
                               "-o", str(ours)], capture_output=True, text=True)
        if proc.returncode != 0:
            return f"{unit}: does not compile: {proc.stderr[-300:]}"
        for obj in (ours, members / f"lib_a-{stem}.o"):
            subprocess.run([strip, "--strip-debug", "-R", ".comment", str(obj)], check=True)
        return "" if ours.read_bytes() == (members / f"lib_a-{stem}.o").read_bytes() else f"{unit}: other code"

    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        problems = [p for p in pool.map(differs, sorted(units)) if p]
    assert not problems, "\n".join(problems)


@pytest.mark.integration
def test_the_mirror_links_no_math_of_the_hosts(toolchain):
    """host32-m0's runner takes every libm function from newlib's: it
    imports none from the host's C library, nor links its libm."""
    firmware = toolchain.profile.build_firmware(load_target("host32-m0"), toolchain.source, toolchain.cache).product
    needed = subprocess.run(["readelf", "-d", str(firmware)], capture_output=True, text=True, check=True).stdout
    assert "libc.so" in needed and "libm.so" not in needed
    imported = subprocess.run(["nm", "-D", "--undefined-only", str(firmware)], capture_output=True, text=True,
                              check=True).stdout.split()
    ours = subprocess.run(["nm", "--defined-only", str(arm_libm())], capture_output=True, text=True).stdout
    math = {line.split()[-1] for line in ours.splitlines() if re.match(r"[0-9a-f]+ [TW] ", line)}
    assert math and not {name.split("@")[0] for name in imported} & math


# --- the mirror predicts the board -------------------------------------------

@pytest.fixture(scope="module")
def board_and_mirrors(toolchain, tmp_path_factory):
    """qemu-m0 and its mirror host32-m0 as the target files build them, and
    for each script the mirror as it was built before (SCRIPTS)."""
    logs = tmp_path_factory.mktemp("logs")
    run = SuiteRun("qemu-m0", toolchain=toolchain, log_dir=logs).start()
    mirror = load_target(run.target.reference)
    others = {}
    for _, variables in SCRIPTS.values():
        key = tuple(sorted(variables.items()))
        if key not in others:
            others[key] = TargetSession(replace(mirror, make={**mirror.make, **variables}), toolchain, logs).start()
    yield run, others
    run.stop()
    for session in others.values():
        session.stop()


def _output(session, blob: bytes) -> bytes:
    execution = session.execute(blob, 10)
    assert execution.kind == "completed" and execution.record.status == "ok", execution
    return execution.record.output


@pytest.mark.integration
@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_the_mirror_prints_what_the_board_prints(board_and_mirrors, name):
    run, others = board_and_mirrors
    source, before = SCRIPTS[name]
    blob = run.toolchain.compiler.compile(source.encode(), name)
    board = _output(run.session, blob)
    assert _output(run.reference, blob) == board
    # The mirror built as before printed otherwise: the script tells them apart.
    assert _output(others[tuple(sorted(before.items()))], blob) != board


@pytest.mark.integration
def test_a_differential_run_finds_no_disagreement_between_mirror_and_board(tmp_path):
    corpus = tmp_path / "libm"
    corpus.mkdir()
    for name, (source, _) in SCRIPTS.items():
        (corpus / name).write_text(source)
    proc = suite(tmp_path, str(corpus), "--target=host32-m0,qemu-m0")
    reports = tmp_path / "reports"
    assert (reports / "matrix.csv").exists(), proc.stdout + proc.stderr
    rows = list(csv.DictReader((reports / "matrix.csv").open()))
    assert len(rows) == len(SCRIPTS) and not [r for r in rows if r["targets disagree"]], rows
    records = {t: [json.loads(line) for line in (reports / f"results-{t}.jsonl").read_text().splitlines()]
               for t in ("host32-m0", "qemu-m0")}
    verdicts = {t: {(r["case"], r["verdict"], r["message"].split(";")[0]) for r in records[t]} for t in records}
    assert verdicts["host32-m0"] == verdicts["qemu-m0"]
    # Where the board fails, its verdict says the mirror printed the same.
    for r in records["qemu-m0"]:
        if r["verdict"] == "fail":
            assert "its host reference host32-m0 printed the same" in r["message"], r
    # The board departs from CPython on issue 17's two scripts: a finding the
    # mirror now shares, shown as the board's own output.
    assert "+1.0" in proc.stdout and "+inf" in proc.stdout

