"""One vocabulary across C and Python: the feature names cases require and
devices announce, and the loader protocol's constants.

The feature names live in three places (the case directives' vocabulary in
harness/suite/cases.py, what MicroPython's booter side announces in
targets/micropython/hil_run.c, what the raw-REPL transport probes on stock
firmware); the protocol's constants in three more (targets/common/hil_proto.h
and hil_booter.c, harness/transports/booter.py and mailbox.py). These tests
tie each set together, so one changed alone fails here.
"""

from __future__ import annotations

import re

import pytest

from harness.paths import TARGETS_DIR
from harness.suite.cases import OPTIONAL_FEATURES
from harness.transports import booter, mailbox
from harness.vms.micropython.rawrepl_code import PROBE

HIL_RUN = (TARGETS_DIR / "micropython" / "hil_run.c").read_text()
PROTO_H = (TARGETS_DIR / "common" / "hil_proto.h").read_text()
BOOTER_C = (TARGETS_DIR / "common" / "hil_booter.c").read_text()
MODULE = re.compile(r"^module:[A-Za-z_]\w*$")


def booter_features() -> set[str]:
    """Every feature hil_run.c can announce: its optional list and the float/bigint macros."""
    table = HIL_RUN[HIL_RUN.index("optional_features[] = {"):]
    table = table[:table.index("};")]
    names = set(re.findall(r'"\,([\w:-]+)"', table))
    for define in re.findall(r'#define HIL_FEATURES_\w+ "([^"]*)"', HIL_RUN):
        names.update(n for n in define.split(",") if n)
    return names


def probed_features() -> set[str]:
    """Every feature the raw-REPL probe can announce."""
    names = set(re.findall(r"_t\('([\w:-]+)'", PROBE)) | set(re.findall(r"_f\.append\('([\w:-]+)'\)", PROBE))
    names.update(re.findall(r"'double' if .* else '(\w+)'", PROBE))
    names.update(re.findall(r"'(double)' if", PROBE))
    names.update("module:" + m for m in re.findall(r"'(\w+)'", PROBE[PROBE.index("for _m in"):PROBE.index("try:\n        __import__")]))
    return names


@pytest.mark.parametrize("where, announced", [("targets/micropython/hil_run.c", booter_features),
                                              ("the raw-REPL probe", probed_features)])
def test_what_devices_announce_is_what_cases_may_require(where, announced):
    names = announced()
    assert len(names) > 20, names   # the extraction found the table
    unknown = sorted(n for n in names if n not in OPTIONAL_FEATURES and not MODULE.match(n))
    assert not unknown, f"{where} announces features that docs/cases.md and cases.py do not know: {unknown}"


def test_every_feature_cases_may_require_is_announced_by_both_ways_into_a_device():
    for announced in (booter_features(), probed_features()):
        assert OPTIONAL_FEATURES <= announced, sorted(OPTIONAL_FEATURES - announced)


def c_enum(prefix: str) -> dict[str, int]:
    return {name: int(value, 0) for name, value in re.findall(rf"\b{prefix}(\w+) = (0x[0-9A-Fa-f]+|\d+)", PROTO_H)}


def c_define(name: str, text: str = PROTO_H) -> int:
    value = re.search(rf"#define {name} \(?([^)\n]+)\)?", text).group(1)
    return eval(value.rstrip("u"), {})   # numbers, and sums of numbers


def test_message_types_agree():
    messages = c_enum("HIL_MSG_")
    assert len(messages) == 12
    for name, value in messages.items():
        python = mailbox.RUN if name == "RUN" else getattr(booter, name)
        assert python == value, name


def test_error_codes_and_statuses_agree():
    errors = c_enum("HIL_ERR_")
    assert {code: name.lower().replace("_", "-") for name, code in errors.items()} == booter.ERROR_NAMES
    statuses = c_enum("HIL_STATUS_")
    assert {code: name.lower().replace("_", "-") for name, code in statuses.items()} == booter.STATUS_NAMES


def test_framing_load_and_status_layouts_agree():
    assert c_define("HIL_PROTO_VERSION") == booter.VERSION
    assert c_define("HIL_FRAME_SOF") == booter.SOF
    assert c_define("HIL_FRAME_HEADER_LEN") == booter.HEADER.size
    assert c_define("HIL_FRAME_CRC_LEN") == booter.CRC.size
    assert c_define("HIL_LOAD_RUN") == booter.LOAD_RUN
    assert c_define("HIL_LOAD_SIGNED") == booter.LOAD_SIGNED
    assert c_define("HIL_MAC_LEN") == booter.MAC_LEN
    assert c_define("HIL_LOAD_HEADER_LEN", BOOTER_C) == booter.LOAD_HEADER.size
    assert c_define("HIL_STATUS_PAYLOAD_LEN") == booter.STATUS_RECORD.size


def test_the_mailbox_layout_agrees():
    assert c_define("HIL_MAILBOX_MAGIC") == mailbox.MAGIC
    struct_rx = BOOTER_C[BOOTER_C.index("static struct {"):BOOTER_C.index("} rx;")]
    # magic, doorbell, blob pointer's address, wake pair's address: four words, then the frame.
    fields = re.findall(r"^\s+(?:const |volatile )*\w+ (?:\*const \*|\*)?(\w+)(?:\[.*\])?;", struct_rx, re.M)
    assert fields == ["magic", "doorbell", "blob", "wake", "frame"]
    assert mailbox.MAILBOX_HEAD.size == 4 * 4 and mailbox.FRAME_OFFSET == mailbox.MAILBOX_HEAD.size
    assert mailbox.DOORBELL_OFFSET == 4
