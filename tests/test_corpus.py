"""Corpora: plain script folders written elsewhere, run as suites
(harness/corpus.py). tests/corpus_sample holds one script per convention."""

import shutil
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.suite.corpus import Corpus, VerdictHistory, find_helpers, read_side_file, skip_guard
from harness.suite.oracle import read_exp, run_cpython
from harness.suite.session import SuiteRun
from harness.vms.micropython.bundle import bundle, unbundle

SAMPLE = Path(__file__).parent / "corpus_sample"


# --- Collection, selection and the side file (no device) ---------------------------

def test_every_script_is_a_case_in_a_stable_order():
    ids = [c.id for c in Corpus.open(SAMPLE).cases()]
    assert ids == sorted(ids)
    assert "sub/nested" in ids and "sample_helper" in ids and len(ids) == 16


def test_exp_beside_the_script_is_read_verbatim():
    case = {c.id: c for c in Corpus.open(SAMPLE).cases()}["with_exp"]
    assert case.exp_path.name == "with_exp.py.exp"
    expected = read_exp(case.exp_path, case.exp_reason_line)
    assert expected.text.startswith("# first line of output") and expected.origin == ".exp"


def test_helper_modules_are_found_from_the_imports():
    assert [p for p, _ in find_helpers(SAMPLE / "uses_helper.py")] == ["sample_helper.py"]
    assert find_helpers(SAMPLE / "skip_self.py") == ()


def test_helper_packages_and_transitive_imports(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("from pkg import inner\n")
    (tmp_path / "pkg" / "inner.py").write_text("import leaf\n")
    (tmp_path / "leaf.py").write_text("X = 1\n")
    (tmp_path / "main.py").write_text("import pkg\n")
    assert [p for p, _ in find_helpers(tmp_path / "main.py")] == ["leaf.py", "pkg/__init__.py", "pkg/inner.py"]


def test_include_and_exclude_globs():
    ids = [c.id for c in Corpus.open(SAMPLE, include=("uses_*",), exclude=("*float*",)).cases()]
    assert ids == ["uses_bigint", "uses_helper", "uses_native"]
    assert [c.id for c in Corpus.open(SAMPLE, include=("sub/*",)).cases()] == ["sub/nested"]


def test_side_file_timeouts_apply_by_glob():
    case = {c.id: c for c in Corpus.open(SAMPLE).cases()}["hang"]
    assert case.timeout == 0.5
    assert {c.id: c for c in Corpus.open(SAMPLE).cases()}["differs"].timeout is None


@pytest.mark.parametrize("text, message", [
    ("[timeouts]\n'x.py' = 'soon'\n", "positive number of seconds"),
    ("[timeouts]\n'x.py' = -1\n", "positive number of seconds"),
    ("include = 3\n", "include wants a list of globs"),
    ("excludes = ['a']\n", "unknown key excludes"),
    ("timeouts = 5\n", "timeouts wants a table"),
    ("[timeouts\n", "not valid TOML"),
])
def test_side_file_errors_are_clear(tmp_path, text, message):
    (tmp_path / "hil-corpus.toml").write_text(text)
    with pytest.raises(ConfigError, match=message) as info:
        read_side_file(tmp_path)
    assert "hil-corpus.toml" in str(info.value)


def test_side_file_include_and_exclude(tmp_path):
    for name in ("a1", "a2", "b1"):
        (tmp_path / f"{name}.py").write_text("print(1)\n")
    (tmp_path / "hil-corpus.toml").write_text("include = ['a*']\nexclude = ['a2']\n")
    assert [c.id for c in Corpus.open(tmp_path).cases()] == ["a1"]


def test_a_corpus_must_be_a_folder(tmp_path):
    with pytest.raises(ConfigError, match="is not a directory"):
        Corpus.open(tmp_path / "nowhere")


def test_skip_guard_names_what_the_script_tested():
    assert skip_guard((SAMPLE / "skip_self.py").read_text()) == "import no_such_module_here"
    assert skip_guard("import sys\nif not hasattr(sys, 'x'):\n    print('SKIP')\n") == "not hasattr(sys, 'x')"
    assert skip_guard("print(1)\n") == ""


def test_eight_hashes_in_an_exp_match_any_lines(tmp_path):
    exp = tmp_path / "x.py.exp"
    exp.write_text("a\n########\nz\n")
    expected = read_exp(exp, reason_line=False)
    assert expected.matches("a\nz\n") and expected.matches("a\nb\nc\nz\n")
    assert not expected.matches("a\nb\n") and not expected.matches("b\nz\n")
    exp.write_text("a\n")
    assert not read_exp(exp, reason_line=False).any_lines


def test_bundles_round_trip():
    blob = bundle(b"M\x06main", [("a.mpy", b"M\x06a"), ("pkg/__init__.mpy", b"M\x06p")])
    assert unbundle(blob) == (b"M\x06main", [("a.mpy", b"M\x06a"), ("pkg/__init__.mpy", b"M\x06p")])
    assert unbundle(b"M\x06plain") == (b"M\x06plain", [])


def test_history_reports_changed_verdicts(tmp_path):
    history = VerdictHistory(tmp_path, "/some/corpus", "host32")
    assert history.update({"a": "pass", "b": "fail"}) == []  # a first run has nothing to compare
    assert history.update({"a": "pass", "b": "pass", "c": "skip"}) == [("b", "fail", "pass"), ("c", "", "skip")]
    assert VerdictHistory(tmp_path, "/some/corpus", "host32-m0").load() == {}


# --- Verdicts on the host runners ------------------------------------------------

EXPECTED = {
    # script: (host32 verdict, kind), (host32-m0 verdict, kind)
    "skip_self": (("skip", "script-skip"), ("skip", "script-skip")),
    "uses_helper": (("skip", "target-lacks"), ("pass", "")),
    "sample_helper": (("pass", ""), ("pass", "")),
    "with_exp": (("pass", ""), ("pass", "")),
    "differs": (("fail", ""), ("fail", "")),
    "cpython_cannot": (("skip", "no-reference"), ("skip", "no-reference")),
    "cpython_cannot_raises": (("fail", ""), ("fail", "")),
    "memory_hog": (("skip", "too-large"), ("pass", "")),
    "uses_float": (("skip", "target-lacks"), ("pass", "")),
    "uses_bigint": (("skip", "target-lacks"), ("pass", "")),
    "rejected": (("fail", "compile-error"), ("fail", "compile-error")),
    "hang": (("timeout", ""), ("timeout", "")),
    "sub/nested": (("pass", ""), ("pass", "")),
    "says_too_large": (("skip", "too-large"), ("skip", "too-large")),
    "uses_native": (("skip", "target-lacks"), ("skip", "target-lacks")),
    "wildcard": (("pass", ""), ("pass", "")),
}


@pytest.fixture(scope="module", params=["host32", "host32-m0"])
def corpus_results(request, toolchain, tmp_path_factory):
    with SuiteRun(request.param, toolchain=toolchain, log_dir=tmp_path_factory.mktemp("logs"),
                  compare_baseline=False) as run:
        yield request.param, {c.id: run.run_case(c) for c in Corpus.open(SAMPLE).cases()}


def test_each_convention_gets_its_verdict(corpus_results):
    target, results = corpus_results
    column = 0 if target == "host32" else 1
    got = {case_id: (r.verdict.value, r.kind) for case_id, r in results.items()}
    assert got == {case_id: want[column] for case_id, want in EXPECTED.items()}


def test_verdict_messages_say_why(corpus_results):
    target, results = corpus_results
    assert "import no_such_module_here" in results["skip_self"].message
    assert "CPython cannot run it" in results["cpython_cannot"].message
    assert results["cpython_cannot_raises"].message.startswith(f"it raised an uncaught error on {target}: IndexError")
    assert "no reference to compare its output with: CPython cannot run it" in results["cpython_cannot_raises"].message
    assert "SyntaxError" in results["rejected"].message
    assert "runs bytecode only" in results["uses_native"].message
    if target == "host32":
        assert "5120-byte heap" in results["memory_hog"].message
        assert "lacks float" in results["uses_float"].message
        assert "sample_helper.py" in results["uses_helper"].message
    else:
        assert results["uses_helper"].actual == "helper 3\n42\n"  # the helper ran on import


def test_system_exit_ends_a_program_silently(host32, toolchain):
    blob = toolchain.compiler.compile(b"print('a')\nraise SystemExit(3)\nprint('b')\n", "exit.py")
    run = host32.session.execute(blob, 5)
    assert run.record.status == "ok" and run.record.output == b"a\n" and run.record.trace == ""


# --- pytest, end to end ------------------------------------------------------------

def _run(pytester, *args):
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def test_pytest_runs_a_corpus_and_reports_changes(pytester, tmp_path):
    corpus = tmp_path / "theirs"
    shutil.copytree(SAMPLE, corpus)
    pytester.makeini("[pytest]\n")
    args = ["--target=host32-m0", f"--corpus={corpus}", "--corpus-exclude=hang,rejected", "-rs",
            f"--hil-results={tmp_path / 'r.jsonl'}"]
    first = _run(pytester, *args)
    first.assert_outcomes(passed=8, failed=2, skipped=4)
    out = first.stdout.str()
    assert "host32-m0: 8 pass, 2 fail, 4 skip" in out
    assert "by kind: 1 skip: no-reference, 1 skip: script-skip, 1 skip: target-lacks, 1 skip: too-large" in out
    assert "its first run on host32-m0" in out
    assert "skipped by the script" in out
    # The user fixes one script: the next run says which verdict changed.
    (corpus / "differs.py").write_text("print('expected')\n")
    second = _run(pytester, *args)
    second.assert_outcomes(passed=9, failed=1, skipped=4)
    assert "1 changed verdict" in second.stdout.str()
    assert "differs: fail -> pass" in second.stdout.str()
    # Their files stay as they were: nothing is written into the corpus.
    assert not (corpus / "reports").exists() and not (corpus / ".pytest_cache").exists()


def test_pytest_include_narrows_a_corpus(pytester, tmp_path):
    corpus = tmp_path / "theirs"
    shutil.copytree(SAMPLE, corpus)
    pytester.makeini("[pytest]\n")
    result = _run(pytester, "--target=host32", f"--corpus={corpus}", "--corpus-include=sub/*,with_*", "-v")
    result.assert_outcomes(passed=2)


def test_pytest_bad_side_file_is_a_usage_error(pytester, tmp_path):
    corpus = tmp_path / "theirs"
    corpus.mkdir()
    (corpus / "a.py").write_text("print(1)\n")
    (corpus / "hil-corpus.toml").write_text("[timeouts]\n'a.py' = 'soon'\n")
    pytester.makeini("[pytest]\n")
    result = _run(pytester, "--target=host32", f"--corpus={corpus}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "positive number of seconds" in result.stderr.str()


def test_modules_of_package_folders_are_not_scripts(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "mod.py").write_text("X = 1\n")
    (tmp_path / "loose").mkdir()
    (tmp_path / "loose" / "script.py").write_text("print(1)\n")
    (tmp_path / "main.py").write_text("import pkg.mod\n")
    assert [c.id for c in Corpus.open(tmp_path).cases()] == ["loose/script", "main"]


def test_raw_repl_stages_helper_modules(toolchain, tmp_path):
    """Stock firmware (qemu-m0-repl) imports a script's helpers from the
    filesystem the raw-REPL transport stages, packages included."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("print('pkg init')\n")
    (tmp_path / "pkg" / "mod.py").write_text("def f():\n    return 6\n")
    (tmp_path / "flat.py").write_text("import pkg.mod\nVALUE = pkg.mod.f() * 7\n")
    (tmp_path / "main.py").write_text("import flat\nprint(flat.VALUE)\n")
    case = Corpus.open(tmp_path, include=("main",)).cases()[0]
    with SuiteRun("qemu-m0-repl", toolchain=toolchain, log_dir=tmp_path / "logs", compare_baseline=False) as run:
        result = run.run_case(case)
    assert (result.verdict.value, result.actual) == ("pass", "pkg init\n42\n")


def test_cpython_reference_leaves_the_corpus_untouched(tmp_path):
    (tmp_path / "helper.py").write_text("V = 5\n")
    (tmp_path / "main.py").write_text("import helper\nprint(helper.V)\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    expected = run_cpython(tmp_path / "main.py", strict=True)
    assert expected.text == "5\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no __pycache__


def test_cpython_errors_mean_no_reference_for_corpus_scripts(tmp_path):
    (tmp_path / "main.py").write_text("print('partial')\nimport sys\nprint(sys.implementation._mpy)\n")
    assert "AttributeError" in run_cpython(tmp_path / "main.py", strict=True).missing
    assert run_cpython(tmp_path / "main.py").missing == ""  # our own cases keep the error line


def test_pytest_takes_a_corpus_folder_as_a_path(pytester, tmp_path):
    corpus = tmp_path / "elsewhere" / "basics"
    shutil.copytree(SAMPLE, corpus)
    (corpus / "hil-corpus.toml").unlink()  # outside the project, a folder needs no side file
    result = pytester.runpytest_subprocess("--target=host32", str(corpus), "--corpus-include=with_*,sub/*", "-v")
    result.assert_outcomes(passed=2)
    assert "with_exp.py::host32 PASSED" in result.stdout.str()
    assert sorted(p.name for p in corpus.iterdir()) == sorted(p.name for p in SAMPLE.iterdir()
                                                              if p.name != "hil-corpus.toml")


@pytest.mark.parametrize("error, info, needs", [
    ("NameError: name 'exec' isn't defined", "compiler=0 features=core", "lacks the compiler"),
    ("NameError: name 'exec' isn't defined", "compiler=1 features=core", ""),
    ("NameError: name not defined", "compiler=0 features=core", ""),  # terse, and no exec( in the source
    ("ValueError: decimal numbers not supported", "features=core", "lacks float"),
    ("ValueError: decimal numbers not supported", "features=core,float", ""),
    ("OverflowError: long int not supported in this build", "features=core", "lacks bigint"),
    ("ImportError: no module named 'uerrno'", "features=core", "lacks module uerrno"),
    ("TypeError: unsupported types for __add__: 'int', 'str'", "features=core", ""),
])
def test_what_an_error_says_the_target_lacks(error, info, needs):
    from harness.device.info import DeviceInfo
    from harness.vms.micropython import MicroPythonProfile
    found = MicroPythonProfile().missing_feature(error, DeviceInfo.parse(info.encode()))
    assert (needs in found) if needs else found == ""


def test_terse_name_errors_are_read_with_the_source():
    from harness.device.info import DeviceInfo
    from harness.vms.micropython import MicroPythonProfile
    info = DeviceInfo.parse(b"compiler=0 features=core")
    found = MicroPythonProfile().missing_feature("NameError: name not defined", info, "exec('x = 1')\n")
    assert "lacks the compiler" in found


def test_reflected_operators_are_what_a_build_without_reverse_ops_lacks():
    from harness.device.info import DeviceInfo
    from harness.vms.micropython import MicroPythonProfile
    source = "class A:\n    def __radd__(self, other):\n        return 1\nprint(1 + A())\n"
    error = "TypeError: unsupported type for operator"
    profile = MicroPythonProfile()
    assert "lacks reverse-ops" in profile.missing_feature(error, DeviceInfo.parse(b"features=core"), source)
    assert profile.missing_feature(error, DeviceInfo.parse(b"features=core,reverse-ops"), source) == ""
    assert profile.missing_feature(error, DeviceInfo.parse(b"features=core"), "print(1 + 'a')\n") == ""


def test_native_code_is_what_a_bytecode_target_lacks():
    from harness.device.info import DeviceInfo
    from harness.vms.micropython import MicroPythonProfile
    message = 'Traceback (most recent call last):\n  File "n.py", line 1, in <module>\nSyntaxError: invalid arch\n'
    profile = MicroPythonProfile()
    assert "bytecode only" in profile.compile_needs(message, DeviceInfo.parse(b"arch=none"))
    assert profile.compile_needs("SyntaxError: invalid syntax", DeviceInfo.parse(b"arch=none")) == ""


def test_pytest_runs_one_script_of_a_corpus(pytester, tmp_path):
    corpus = tmp_path / "elsewhere" / "basics"
    shutil.copytree(SAMPLE, corpus)
    result = pytester.runpytest_subprocess("--target=host32", str(corpus / "with_exp.py"), "-v")
    result.assert_outcomes(passed=1)
