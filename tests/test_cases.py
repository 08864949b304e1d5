"""Case directives and feature checks."""

import pytest

from harness.errors import ConfigError
from harness.paths import CASES_DIR
from harness.suite.cases import discover, load_case, unmet_needs


def write(tmp_path, text, name="c.py"):
    path = tmp_path / "area" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


def test_directives_are_read(tmp_path):
    path = write(tmp_path, "# requires: float bigint module:math\n# heap: 16_384\n# timeout: 3\n"
                           "# xfail: documented deviation\nprint(1)\n# requires: double\n")
    case = load_case(path, tmp_path)
    assert case.id == "area/c" and case.area == "area"
    assert case.requires == {"float", "bigint", "module:math"}
    assert case.heap == 16384 and case.timeout == 3.0 and case.xfail == "documented deviation"


@pytest.mark.parametrize("line, message", [
    ("# requires: floats", "unknown feature floats"),
    ("# heap: big", "heap wants a number"),
    ("# timeout: soon", "timeout wants seconds"),
    ("# xfail:", "xfail needs a reason"),
])
def test_bad_directives_are_clear_errors(tmp_path, line, message):
    with pytest.raises(ConfigError, match=message) as exc:
        load_case(write(tmp_path, line + "\nprint(1)\n"), tmp_path)
    assert "c.py:1" in str(exc.value)


def test_unmet_needs_names_the_missing_feature(tmp_path):
    case = load_case(write(tmp_path, "# requires: double bigint\n# heap: 9000\n"), tmp_path)
    assert unmet_needs(case, frozenset({"core", "bigint"}), 100000) == "target lacks double"
    assert unmet_needs(case, frozenset({"double", "bigint"}), 5632) == "needs a 9000-byte heap, target has 5632"
    assert unmet_needs(case, frozenset({"double", "bigint"}), 9000) == ""


def test_the_shipped_suite_is_large_and_well_formed():
    cases = discover(CASES_DIR)  # parses every directive: a bad one raises
    assert len(cases) >= 200
    areas = {c.area for c in cases}
    for area in ("ints", "bigints", "floats", "str", "bytes", "list", "dict", "set", "tuple", "slicing",
                 "comprehensions", "generators", "closures", "classes", "exceptions", "iteration",
                 "builtins", "formatting", "gc", "loader"):
        assert area in areas, area
    for case in cases:
        if case.exp_path:
            first = case.exp_path.read_text().splitlines()[0]
            assert first.startswith("#") and len(first) > 5, f"{case.exp_path}: first line must say why"
