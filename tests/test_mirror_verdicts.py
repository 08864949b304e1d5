"""What a verdict says about its host reference (the mirror): where a
difference lies, that a mirror short of a feature never fails a device that
printed the right output, and the corpus conventions the VM's own runner
follows (double precision, helper folders, one word per skip kind)."""

import json
import subprocess
import sys

from harness.device.device import Execution
from harness.device.info import DeviceInfo, RunRecord
from harness.suite.cases import load_case
from harness.suite.corpus import Corpus, load_corpus_case
from harness.suite.oracle import Expected
from harness.suite.verdict import Verdict, judge
from harness.vms.micropython.profile import MicroPythonProfile

PROFILE = MicroPythonProfile()


def ran(output: str, status: str = "ok", trace: str = "") -> Execution:
    return Execution("completed", RunRecord(status, output.encode(), trace, run_cycles=10, clock_hz=1))


def a_case(tmp_path, text="print(1)\n"):
    (tmp_path / "c.py").write_text(text)
    return load_case(tmp_path / "c.py", tmp_path)


def test_a_fail_says_the_mirror_printed_the_same(tmp_path):
    result = judge(a_case(tmp_path), "qemu-m0", 1024, Expected("nan\n", "cpython"), ran("1.0\n"),
                   ran("1.0\n"), "host32-m0", profile=PROFILE)
    assert result.verdict is Verdict.FAIL
    assert result.message == ("output differs from the expected output; its host reference host32-m0 printed "
                              "the same: a difference of the VM or its configuration, the same on the host")


def test_a_fail_says_the_difference_is_the_boards_alone(tmp_path):
    result = judge(a_case(tmp_path), "qemu-m0", 1024, Expected("nan\n", "cpython"), ran("1.0\n"),
                   ran("nan\n"), "host32-m0", profile=PROFILE)
    assert result.verdict is Verdict.FAIL
    assert "its host reference host32-m0 printed the expected output: a difference of the board alone" \
        in result.message


def test_a_fail_says_when_the_mirror_differs_from_both(tmp_path):
    result = judge(a_case(tmp_path), "qemu-m0", 1024, Expected("nan\n", "cpython"), ran("1.0\n"),
                   ran("inf\n"), "host32-m0", profile=PROFILE)
    assert result.message.endswith("its host reference host32-m0 differs from both")


def test_a_mirror_without_the_compiler_never_fails_a_device_that_has_it(tmp_path):
    case = a_case(tmp_path, "exec('print(3)')\n")
    no_compiler = DeviceInfo.parse(b"vm=micropython compiler=0 features=core")
    error = "NameError: name 'exec' isn't defined"
    result = judge(case, "qemu-m0-repl", 1024, Expected("3\n", "cpython"), ran("3\n"),
                   ran("", "exception", f"Traceback (most recent call last):\n{error}\n"), "host32-m0",
                   profile=PROFILE,
                   reference_lacks=lambda line: PROFILE.missing_feature(line, no_compiler, "exec('print(3)')"))
    assert result.verdict is Verdict.PASS
    assert result.message.startswith("compared with the expected output only: its host reference host32-m0 "
                                     "lacks the compiler")


def test_a_mirror_that_skips_the_script_never_fails_the_device(tmp_path):
    result = judge(a_case(tmp_path), "qemu-m0-repl", 1024, Expected("2\n", "cpython"), ran("2\n"),
                   ran("SKIP\n"), "host32-m0", corpus=True, profile=PROFILE)
    assert result.verdict is Verdict.PASS
    assert "host32-m0 printed SKIP" in result.message


def test_a_mirror_that_differs_without_lacking_anything_still_fails_the_device(tmp_path):
    result = judge(a_case(tmp_path), "qemu-m0", 1024, Expected("2\n", "cpython"), ran("2\n"),
                   ran("3\n"), "host32-m0", corpus=True, profile=PROFILE,
                   reference_lacks=lambda line: "")
    assert result.verdict is Verdict.FAIL and "differs from the host reference host32-m0" in result.message


def test_target_lacks_messages_begin_with_the_kind(tmp_path):
    info = DeviceInfo.parse(b"vm=micropython compiler=0 features=core")
    case = a_case(tmp_path, "import foo\n")
    result = judge(case, "qemu-g030", 1024, Expected("", "cpython"),
                   ran("", "exception", "ImportError: no module named 'foo'\n"), corpus=True, profile=PROFILE,
                   lacks=lambda line: PROFILE.missing_feature(line, info, "import foo\n"))
    assert result.kind == "target-lacks" and result.message == "target lacks module foo"


def test_double_precision_scripts_need_double_floats():
    float32 = DeviceInfo.parse(b"vm=micropython features=core,float,float32")
    double = DeviceInfo.parse(b"vm=micropython features=core,float,double")
    for script in ("float/float_divmod", "float/float_parse_doubleprec", "float2int_doubleprec_intbig"):
        assert PROFILE.script_needs(script, float32).startswith("target lacks double-precision float")
        assert PROFILE.script_needs(script, double) == ""
    assert PROFILE.script_needs("float/float_divmod_relaxed", float32) == ""


def test_a_folder_its_neighbour_imports_is_a_helper_not_scripts(tmp_path):
    (tmp_path / "settrace_subdir").mkdir()
    (tmp_path / "settrace_subdir" / "importme.py").write_text("def f():\n    return 1\n")
    (tmp_path / "settrace_subdir" / "other.py").write_text("X = 2\n")
    (tmp_path / "settrace.py").write_text("from settrace_subdir import importme\nprint(importme.f())\n")
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "alone.py").write_text("print('a script in a folder nobody imports')\n")
    corpus = Corpus.open(tmp_path)
    assert [c.id for c in corpus.cases()] == ["plain/alone", "settrace"]
    helpers = dict(load_corpus_case(tmp_path / "settrace.py", tmp_path).helpers)
    assert sorted(helpers) == ["settrace_subdir/importme.py", "settrace_subdir/other.py"]


def test_double_precision_and_stdfiles_on_real_targets(tmp_path):
    """On float32 qemu-m0 (and its mirror) a *doubleprec* script is
    target-lacks; sys.stdout and print(file=) work on the roomy m0 and are
    target-lacks on the g030 configuration."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "float_parse_doubleprec.py").write_text("print(float('1e300') * 10)\n")
    (corpus / "stdfiles.py").write_text("import sys\nprint('x', file=sys.stdout)\nsys.stdout.write('y\\n')\n")
    proc = subprocess.run([sys.executable, "-m", "harness", "suite", "--target", "host32-m0,host32", str(corpus),
                           "--reports-dir", str(tmp_path / "reports")], capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    verdicts = {}
    for target in ("host32-m0", "host32"):
        for line in (tmp_path / "reports" / f"results-{target}.jsonl").read_text().splitlines():
            record = json.loads(line)
            verdicts[record["case"], target] = (record["verdict"], record.get("kind", ""), record["message"])
    assert verdicts["float_parse_doubleprec", "host32-m0"][:2] == ("skip", "target-lacks")
    assert verdicts["stdfiles", "host32-m0"][:2] == ("pass", "")
    assert verdicts["stdfiles", "host32"][:2] == ("skip", "target-lacks")
    assert verdicts["stdfiles", "host32"][2].startswith("target lacks sys-stdfiles")


def test_every_mirror_has_its_targets_vm_configuration_and_compiler():
    """A host reference built without what its target has (the compiler of a
    REPL firmware, another configuration) would fail the target's passes."""
    from harness.targets import available_targets, load_target

    def has_compiler(target):
        return target.make.get("APP") == "repl" or target.make.get("COMPILER") == "1"

    mirrored = [load_target(name) for name in available_targets() if load_target(name).reference]
    assert mirrored, "no target names a host reference"
    for target in mirrored:
        mirror = load_target(target.reference)
        assert (mirror.vm, mirror.pin, mirror.config) == (target.vm, target.pin, target.config), target.name
        assert has_compiler(mirror) == has_compiler(target), f"{target.name}'s mirror {mirror.name}"
