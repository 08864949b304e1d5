"""The build cache: a build is checked on use, a damaged one made again; a
cache moved elsewhere is the same cache; a compiler that dies is told apart
from a damaged build."""

from __future__ import annotations

import datetime
import os
import shutil
import stat
import subprocess

import pytest

from harness.build import BuildResult, BuildSpec, source_date
from harness.errors import BuildError
from harness.newlib import build_libm, source_archive, unpacked_source
from harness.paths import REPO_ROOT
from harness.suite.toolchain import Toolchain
from harness.targets import load_target
from harness.vms.base import CompileError
from harness.vms.micropython.profile import MpyCross


@pytest.fixture
def copied_cache(toolchain, tmp_path):
    """The pinned source, mpy-cross and host32's runner (with the newlib libm
    it links, and that libm's source), copied into a cache elsewhere."""
    target = load_target("host32")
    firmware = toolchain.profile.build_firmware(target, toolchain.source, toolchain.cache)
    libm = build_libm(toolchain.cache, target.make["BITS"])
    copy = tmp_path / "elsewhere"
    # A cache inside somebody's git repository (a CI work folder, a home in
    # git): the VM's version must still come from its own source.
    subprocess.run(["git", "init", "-q", str(copy)], check=True)
    subprocess.run(["git", "-C", str(copy), "-c", "user.name=ci", "-c", "user.email=ci@example.org",
                    "commit", "-q", "--allow-empty", "-m", "a work folder"], check=True)
    for source in (toolchain.source.root, unpacked_source(source_archive(), toolchain.cache).root):
        shutil.copytree(source, copy / "src" / source.name, symlinks=True)
    for built in (firmware, toolchain.compiler.build, libm):
        shutil.copytree(built.folder, copy / "build" / built.folder.name, symlinks=True)
    return target, firmware, copy


def test_a_cache_moved_elsewhere_rebuilds_nothing(copied_cache):
    target, firmware, copy = copied_cache
    tc = Toolchain.prepare("micropython", cache=copy)
    again = tc.profile.build_firmware(target, tc.source, copy)
    assert (again.build_id, again.ran_make) == (firmware.build_id, False)
    assert not tc.compiler.build.ran_make
    assert not build_libm(copy, target.make["BITS"]).ran_make


def test_a_damaged_build_is_made_again_with_a_word(copied_cache, capfd):
    target, firmware, copy = copied_cache
    tc = Toolchain.prepare("micropython", cache=copy)
    elf = copy / "build" / firmware.folder.name / "firmware.elf"
    elf.write_bytes(elf.read_bytes()[:1000])   # truncated, with a new time: make alone would take it
    again = tc.profile.build_firmware(target, tc.source, copy)
    assert again.ran_make and again.build_id == firmware.build_id
    assert f"the cached build {firmware.folder.name} was damaged" in capfd.readouterr().err
    assert again.product.read_bytes() == firmware.product.read_bytes()


def test_a_build_made_from_scratch_elsewhere_on_another_day_is_the_same_bytes(copied_cache):
    """Neither the cache's folder nor the day of the build reaches the
    firmware: a board's timing baseline and an A/B stay comparable."""
    target, firmware, copy = copied_cache
    shutil.rmtree(copy / "build" / firmware.folder.name)
    tc = Toolchain.prepare("micropython", cache=copy)
    again = tc.profile.build_firmware(target, tc.source, copy)
    assert again.ran_make and again.build_id == firmware.build_id
    day = datetime.datetime.fromtimestamp(int(source_date(tc.source)), datetime.timezone.utc).date()
    assert day != datetime.date.today() and f" on {day}".encode() in again.product.read_bytes()
    assert again.product.read_bytes() == firmware.product.read_bytes()


def fake_compiler(tmp_path, script: str) -> MpyCross:
    exe = tmp_path / "mpy-cross"
    exe.write_text("#!/bin/sh\n" + script)
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    spec = BuildSpec(name="mpy-cross", directory=tmp_path, makefile=None, product="mpy-cross")
    return MpyCross(BuildResult(spec, tmp_path, exe, 0.0, False, tmp_path / "log"), tmp_path / "cache")


def test_a_compiler_that_crashes_on_a_program_fails_that_case(tmp_path):
    compiler = fake_compiler(tmp_path, "kill -SEGV $$\n")
    with pytest.raises(CompileError, match="mpy-cross crashed compiling c.py: killed by SIGSEGV"):
        compiler.compile(b"print(1)\n", "c.py")


def test_a_compiler_whose_binary_changed_since_it_was_built_is_a_damaged_build(tmp_path):
    compiler = fake_compiler(tmp_path, "kill -SEGV $$\n")
    with open(compiler.executable, "a") as f:   # the cached binary, truncated or overwritten meanwhile
        f.write("# changed\n")
    with pytest.raises(BuildError, match="not the build it was"):
        compiler.compile(b"print(2)\n", "c.py")
    assert os.access(compiler.executable, os.X_OK)


@pytest.mark.parametrize("target_name", ["host32", "qemu-g030", "pika-host32", "qemu-g030-pika"])
def test_no_build_names_where_the_checkout_or_the_cache_lies(target_name):
    """A build's key leaves out where the checkout and the cache are, so its
    bytes must too (debug info names the folder make ran in): a warm cache
    used from another clone holds the same firmware a fresh build makes."""
    target = load_target(target_name)
    tc = Toolchain.prepare(target.vm, pin=target.pin, target=target)
    firmware = tc.profile.build_firmware(target, tc.source, tc.cache)
    for place in (REPO_ROOT, tc.cache):
        assert str(place).encode() not in firmware.product.read_bytes(), f"{firmware.product} names {place}"
