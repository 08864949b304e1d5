"""PikaScript core 1.8.6, the STM32G030 Booter's, beside 1.14: its formats, a
blob of one core never sent to the other, its minimal syntax level's drops
told from wrong runs, and runs on its mirror and its 8 KiB QEMU booter.

Built from the pinned archive pikapython-v1.8.6-core.tar.gz
(../shared/vm-sources): the precompiler, the compilers at the booter's
(minimal) and the maximal syntax level, both runners.
"""

from __future__ import annotations

import re
import struct

import pytest

from harness.device.info import DeviceInfo
from harness.errors import SourceError
from harness.footprint import measure
from harness.paths import TARGETS_DIR
from harness.suite.session import SuiteRun
from harness.suite.toolchain import Toolchain
from harness.suite.verdict import Verdict
from harness.targets import load_target
from harness.vms.base import CompileError
from harness.vms.pikascript import cores, formats, formats_v1_8_6, syntaxlevel

TARGETS = ["pika-host32-g030", "qemu-g030-pika"]
PASSING = "print('still here', 6 * 7)\n"
INFO_1_14 = DeviceInfo.parse(b"vm=pikascript version=1.14.0 pyo=1.14 pya=7 syntax=maximal")
INFO_1_8_6 = DeviceInfo.parse(b"vm=pikascript version=1.8.6 pyo=1.8.6 pya=1 syntax=minimal")


@pytest.fixture(scope="module")
def toolchain():
    return Toolchain.prepare("pikascript", pin="1.8.6", target=load_target("pika-host32-g030"))


@pytest.fixture(scope="module", params=TARGETS)
def pika(request, tmp_path_factory):
    run = SuiteRun(request.param, log_dir=tmp_path_factory.mktemp("logs")).start()
    yield run
    run.stop()


def compile_(toolchain, source: bytes, modules=()) -> bytes:
    return toolchain.compile(load_target("pika-host32-g030"), source, "main.py", modules)


def then_passes(run, make_case):
    after = run.run_case(make_case("ok", PASSING))
    assert after.verdict is Verdict.PASS, after.summary()


# --- formats -------------------------------------------------------------------

def test_a_py_o_has_no_magic_u16_sizes_and_a_pool_starting_with_nul(toolchain):
    blob = compile_(toolchain, b"print('hi')\n")
    ins = struct.unpack_from("<H", blob)[0]
    pool = struct.unpack_from("<H", blob, 2 + ins)[0]
    assert ins == 8 and len(blob) == 2 + ins + 2 + pool          # two instructions, sizes add up
    assert blob[4 + ins:] == b"\0hi\0print\0"
    assert blob[3] & 0x80                                        # the first instruction starts a line
    assert not formats.is_blob(blob) and formats_v1_8_6.is_blob(blob)
    assert "RUN print" in formats_v1_8_6.disassemble(blob, formats_v1_8_6.instruction_names(toolchain.source.root))


def test_a_py_a_is_7f_pya_version_1_with_32_byte_entries(toolchain):
    library = compile_(toolchain, b"import helper\nprint(helper.twice(21))\n",
                       [("helper.py", b"def twice(x):\n    return x * 2\n")])
    magic, version, count = struct.unpack_from("<4sII", library)
    assert (magic, version, count) == (b"\x7fpya", 1, 2)
    entries = [library[32 * (i + 1):32 * (i + 2)] for i in range(count)]
    assert sorted(e[:28].rstrip(b"\0") for e in entries) == [b"helper", b"main"]
    assert sum(struct.unpack_from("<I", e, 28)[0] for e in entries) == len(library) - 32 * 3
    modules = dict(formats_v1_8_6.modules_of(library))
    assert formats_v1_8_6.pyo_layout(modules["main"], padded=True)


# --- one core's blob never goes to the other ---------------------------------------

def test_a_blob_of_the_other_core_is_refused_before_it_is_sent(toolchain):
    ours = compile_(toolchain, b"print(1)\n")
    other = Toolchain.prepare("pikascript", pin="1.14.0", target=load_target("pika-host32"))
    theirs = other.compile(load_target("pika-host32"), b"print(1)\n", "main.py")
    profile = toolchain.profile
    assert profile.check_blob(ours, INFO_1_8_6) is None
    assert profile.check_blob(theirs, INFO_1_14) is None
    to_old = profile.check_blob(theirs, INFO_1_8_6)
    assert "core 1.14.0's .py.o" in to_old and "runs core 1.8.6" in to_old
    to_new = profile.check_blob(ours, INFO_1_14)
    assert "core 1.8.6's .py.o" in to_new and "runs core 1.14.0" in to_new
    assert "version 1" in profile.check_blob(formats_v1_8_6.PYA_MAGIC + struct.pack("<II", 1, 1), INFO_1_14)
    assert "does not know" in profile.check_blob(ours, DeviceInfo.parse(b"pyo=1.9"))


def test_a_source_of_the_other_core_is_refused_for_the_pin(toolchain, tmp_path):
    newer = cores.CORES["1.14.0"]
    checkout = Toolchain.prepare("pikascript", pin="1.14.0", target=load_target("pika-host32")).source.root
    assert cores.of_tree(checkout) is newer and cores.of_tree(toolchain.source.root) is cores.CORES["1.8.6"]
    with pytest.raises(SourceError, match="holds core 1.14.0; the target pins PikaScript 1.8.6"):
        toolchain.profile.source(tmp_path, str(checkout), "1.8.6")
    with pytest.raises(SourceError, match="does not build"):
        toolchain.profile.source(tmp_path, None, "1.9")


# --- syntax levels ------------------------------------------------------------------

def test_the_dropped_constructs_are_named_from_the_program():
    assert syntaxlevel.dropped_constructs(b"a = [1]\nb = {'k': a[0]}\nprint(a[1:], '%d' % 3)\n") == \
        ["list literals", "dict literals", "subscripts", "slices", "% formatting"]
    assert syntaxlevel.dropped_constructs(b"x = 7 % 3\nprint(x)\n") == []   # not formatting
    assert syntaxlevel.dropped_constructs(b"def (:\n") == []


def test_the_named_constructs_are_what_the_core_turns_off_at_the_minimal_level(toolchain):
    """One vocabulary: the flags the core's configuration turns off at the
    minimal level, the constructs the skip names, the levels devices announce."""
    valid = (toolchain.source.root / "src" / "pika_config_valid.h").read_text()
    minimal = valid[valid.index("#if PIKA_SYNTAX_LEVEL == PIKA_SYNTAX_LEVEL_MINIMAL"):]
    minimal = minimal[:minimal.index("#elif")]
    assert set(re.findall(r"#define (\w+) 0", minimal)) == set(syntaxlevel.MINIMAL_OFF)
    for side in ("pikascript", "pikascript/v1.8.6"):
        announced = set(re.findall(r'#define HIL_SYNTAX "(\w+)"', (TARGETS_DIR / side / "hil_run.c").read_text()))
        assert announced == {"minimal", "maximal"}
    assert syntaxlevel.is_minimal(TARGETS_DIR / "pikascript" / "configs" / "booter.h")
    assert not syntaxlevel.is_minimal(TARGETS_DIR / "pikascript" / "configs" / "m0.h")


@pytest.mark.parametrize("source, construct", [
    (b"a = [1, 2, 3]\nprint(a)\n", "list literals"),          # the compiler leaves the value out
    (b"s = 'abc'\nprint(s[1])\n", "subscripts"),
    (b"s = 'abcdef'\nprint(s[1:3])\n", "slices"),
    (b"print('%d apples' % 3)\n", "% formatting"),
])
def test_what_the_minimal_level_drops_is_a_compile_refusal_naming_it(toolchain, source, construct):
    with pytest.raises(CompileError) as refused:
        compile_(toolchain, source)
    message = str(refused.value)
    assert message.startswith(syntaxlevel.DROPPED) and construct in message
    needs = toolchain.profile.compile_needs(message, INFO_1_8_6)
    assert construct in needs and "minimal syntax level" in needs
    assert toolchain.profile.compile_needs(message, INFO_1_14) == ""   # a maximal device lacks nothing


def test_what_no_level_compiles_stays_the_compiler_s_fault(toolchain):
    with pytest.raises(CompileError) as refused:
        compile_(toolchain, b"x = (\nprint(2)\n")
    assert not str(refused.value).startswith(syntaxlevel.DROPPED)
    assert toolchain.profile.compile_needs(str(refused.value), INFO_1_8_6) == ""


def test_a_case_using_a_dropped_construct_is_skipped_never_run(pika, make_case):
    result = pika.run_case(make_case("listlit", "a = [1, 2, 3]\nprint(a)\n"))
    assert result.verdict is Verdict.SKIP and result.kind == "target-lacks", result.summary()
    assert "list literals" in result.message and "minimal syntax level" in result.message
    assert "run_cycles" not in result.figures


def test_a_helper_module_using_a_dropped_construct_skips_its_script(pika, tmp_path):
    from harness.suite.corpus import load_corpus_case

    (tmp_path / "helper.py").write_text("def first(s):\n    return s[0]\n")
    (tmp_path / "main.py").write_text("import helper\nprint(helper.first('abc'))\n")
    result = pika.run_case(load_corpus_case(tmp_path / "main.py", tmp_path))
    assert result.verdict is Verdict.SKIP and result.kind == "target-lacks", result.summary()
    assert "helper module helper.py needs subscripts" in result.message


# --- runs on the mirror and the booter ------------------------------------------------

def test_the_device_says_what_it_is(pika):
    info = pika.session.info
    assert (info.get("vm"), info.get("version"), info.get("pyo"), info.get("pya"), info.get("syntax")) == \
        ("pikascript", "1.8.6", "1.8.6", "1", "minimal")
    assert info.get("compiler") == "0" and info.heap == 3776


def test_a_pass_with_its_figures(pika, make_case):
    result = pika.run_case(make_case("ok", "x = 5\nwhile x > 2:\n    print(x * 2)\n    x = x - 1\n"))
    assert result.verdict is Verdict.PASS, result.summary()
    assert result.actual == "10\n8\n6\n"
    assert result.figures["run_cycles"] > 0 and result.figures["heap_peak"] > result.figures["heap_used"] > 0


def test_an_error_is_the_outcome_and_what_the_vm_does_after_it_is_compared(pika, make_case):
    agrees = pika.run_case(make_case("name", "print('before')\ny = undefined_name\n"))
    assert agrees.figures["status"] == "exception"
    assert agrees.actual == "before\nNameError: name 'undefined_name' is not defined\n"
    assert agrees.verdict is Verdict.PASS, agrees.summary()
    # Core 1.8.6 has no exceptions: the program goes on after an error (a finding, a fail).
    goes_on = pika.run_case(make_case("goes_on", "print('a')\ny = undefined_name\nprint('b')\n"))
    assert goes_on.figures["status"] == "exception" and goes_on.verdict is Verdict.FAIL
    assert "+b\n" in goes_on.diff
    # A method's message, printed before the VM knows it failed, is the error's, not output.
    sysout = pika.run_case(make_case("sysout", "print(type(1))\n"))
    assert sysout.actual.startswith("<class 'int'>\n") and "can not print" in sysout.actual.splitlines()[-1]
    then_passes(pika, make_case)


def test_heap_exhaustion_is_a_memory_error(pika, make_case):
    result = pika.run_case(make_case("deep", "def f(n):\n    if n > 0:\n        f(n - 1)\nf(20)\nprint('done')\n"))
    assert result.figures["status"] == "memory-error", result.summary()
    assert result.verdict is Verdict.SKIP and result.kind == "too-large"
    then_passes(pika, make_case)


def test_a_library_runs_and_a_corrupt_blob_is_a_load_error(pika, make_case):
    library = pika.toolchain.compile(pika.target, b"import helper\nprint(helper.twice(21))\n", "main.py",
                                     [("helper.py", b"def twice(x):\n    return x * 2\n")])
    good = pika.session.execute(library, 5)
    assert good.record.status == "ok" and good.record.output.replace(b"\r\n", b"\n") == b"42\n"
    blob = bytearray(pika.toolchain.compile(pika.target, b"print(1)\n", "c.py"))
    blob[3] = 0xFF    # a line start with an opcode no VM knows
    run = pika.session.execute(bytes(blob), 5)
    assert run.record.status == "load-error" and "unknown opcode" in run.record.trace
    newer = formats.PYO_MAGIC + struct.pack("<II", 4, 0) + bytes(8)
    run = pika.session.execute(newer, 5)   # past the harness's check: the VM side refuses it too
    assert run.record.status == "load-error" and "core 1.14 blob" in run.record.trace
    then_passes(pika, make_case)


def test_the_mirror_predicts_the_board(make_case, tmp_path):
    source = "x = 3\nprint(x * 7, 1.5)\ndef f(a):\n    return a + 1\nprint(f(x))\ny = missing\n"
    with SuiteRun("qemu-g030-pika", log_dir=tmp_path) as run:
        result = run.run_case(make_case("mirror", source))
    assert result.reference["target"] == "pika-host32-g030"
    assert (result.figures["heap_used"], result.figures["heap_peak"]) == \
        (result.reference["heap_used"], result.reference["heap_peak"])
    assert "output differs from the host reference" not in result.message


def test_g030_pika_fits_and_runs_on_the_g030_register_model(toolchain):
    """The real board's firmware, without the board: tests/test_g030.py's model of the G030."""
    pytest.importorskip("unicorn")
    from test_g030 import G030Model, image

    from harness.transports.booter import BooterClient

    target = load_target("g030-pika")
    firmware = toolchain.profile.build_firmware(target, toolchain.source, toolchain.cache)
    assert measure(firmware.product).check(target.name, target.memory) == []
    board = G030Model(image(firmware))
    client = BooterClient(board)
    info = client.wait_ready(1.0)
    assert (info.get("board"), info.get("version"), info.get("config"), info.heap, info.clock_hz) == \
        ("g030-pika", "1.8.6", "booter", 3776, 64_000_000)
    record = client.run(compile_(toolchain, b"x = 6\nprint(x * 7, 'on the G030')\n"), 1.0)
    assert record.status == "ok" and record.output == b"42 on the G030\r\n" and record.stack_peak > 0
    record = client.run(compile_(toolchain, b"print('before')\ny = missing\n"), 1.0)
    assert record.status == "exception" and record.trace.endswith("NameError: name 'missing' is not defined\n")
