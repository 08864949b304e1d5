"""JUnit XML of a run of cases, without pytest.

``python -m harness suite`` writes, beside its Allure results, the file a
pytest run writes with ``--junitxml`` (reports/junit.xml by default): one
``<testcase>`` per case, named as pytest names its item ``<path>::<target>``
(classname ``cases.ints.add_sub_mul``, name ``host32``), with the
``hil_result`` and ``hil_verdict`` properties, and ``<failure>``,
``<skipped>`` or ``<error>`` as the case ended.

The cases are kept in memory as they finish and the file is written once,
when the run ends, however it ends (the command line calls ``write`` in a
``finally``): rewriting the whole file after each case would cost time
growing with the run (11 ms a case at 1000 cases here), and a file a case
would cost ~1 ms each to create. Ctrl-C, SIGTERM (which the command line
turns into an interrupt) and errors leave a file; only SIGKILL leaves none.
"""

from __future__ import annotations

import os
import platform
import re
import time
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import datetime
from pathlib import Path

from ..suite.verdict import CaseResult, Verdict, result_record
from .allure import case_module, error_details
from .sinks import ResultSink

JUNIT_FILE = "junit.xml"   # in a run's reports/ folder
SUITE_NAME = "bytecode-hil"   # pytest's says pytest

# What XML 1.0 does not allow, even escaped: most control characters, lone
# surrogates, U+FFFE and U+FFFF; and DEL, which pytest's junitxml writes as
# #x7F too. Device output may hold any of them.
_ILLEGAL = re.compile("[^\t\n\r\x20-\x7e\x80-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object) -> str:
    """``value`` as text XML can hold: each character it cannot written as
    ``#xHH`` (``#x1B`` for ESC), as pytest's junitxml does."""
    return _ILLEGAL.sub(lambda m: f"#x{ord(m.group()):02X}", str(value))


def _element(tag: str, text: str = "", **attributes) -> ET.Element:
    element = ET.Element(tag, {k: xml_text(v) for k, v in attributes.items()})
    if text:
        element.text = xml_text(text)
    return element


class JUnitXml:
    """A run's JUnit XML file: ``add`` each case's result as it finishes,
    ``error`` each case an infrastructure error ended (or whose target never
    came up), then ``write``."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.started = time.monotonic()
        self.timestamp = datetime.now().astimezone().isoformat()
        self.cases: list[ET.Element] = []
        self.counts: Counter = Counter()   # failures, errors, skipped

    def _testcase(self, case, target: str, seconds: float) -> ET.Element:
        testcase = _element("testcase", classname=case_module(case), name=target, time=f"{seconds:.3f}")
        self.cases.append(testcase)
        return testcase

    def add(self, case, result: CaseResult, seconds: float) -> None:
        """A case that ended with a verdict: its properties, and a failure
        (the verdict's summary, then its explanation and diff) or a skip."""
        testcase = self._testcase(case, result.target, seconds)
        properties = ET.SubElement(testcase, "properties")
        for name, value in (("hil_result", result_record(result, getattr(case, "corpus", ""))),
                            ("hil_verdict", result.verdict.value)):
            properties.append(_element("property", name=name, value=value))
        if result.verdict in (Verdict.SKIP, Verdict.XFAIL):
            self.counts["skipped"] += 1
            testcase.append(_element("skipped", result.message, type=result.verdict.value, message=result.message))
        elif result.verdict is not Verdict.PASS:
            self.counts["failures"] += 1
            testcase.append(_element("failure", result.explain(case.path), message=result.summary()))

    def add_record(self, entry: dict) -> None:
        """A case known by its record alone (a resumed run's journaled cases,
        or every case under pytest when resuming): named by its node id, its
        verdict's message where the explanation was."""
        path, _, target = entry["nodeid"].rpartition("::")
        classname = ".".join(Path(path).with_suffix("").parts)
        testcase = _element("testcase", classname=classname, name=target,
                            time=f"{entry.get('figures', {}).get('case_seconds', 0.0):.3f}")
        self.cases.append(testcase)
        verdict, message = entry.get("verdict", ""), entry.get("message", "")
        if verdict == "infrastructure":
            self.counts["errors"] += 1
            testcase.append(_element("error", message, message=message.splitlines()[0] if message else ""))
            return
        properties = ET.SubElement(testcase, "properties")
        record = {k: v for k, v in entry.items() if k != "nodeid"}
        for name, value in (("hil_result", record), ("hil_verdict", verdict)):
            properties.append(_element("property", name=name, value=value))
        summary = f"{verdict}: {entry.get('case', '')} on {target}" + (f": {message}" if message else "")
        if verdict in (Verdict.SKIP.value, Verdict.XFAIL.value):
            self.counts["skipped"] += 1
            testcase.append(_element("skipped", message, type=verdict, message=message))
        elif verdict != Verdict.PASS.value:
            self.counts["failures"] += 1
            testcase.append(_element("failure", summary, message=summary))

    def error(self, case, target: str, exc: BaseException, seconds: float = 0.0) -> None:
        """A case an error ended, or whose target never came up."""
        message, text = error_details(exc)
        self.counts["errors"] += 1
        self._testcase(case, target, seconds).append(_element("error", text, message=message))

    def write(self) -> None:
        """The file, with the cases so far."""
        suite = _element("testsuite", name=SUITE_NAME, errors=self.counts["errors"],
                         failures=self.counts["failures"], skipped=self.counts["skipped"], tests=len(self.cases),
                         time=f"{time.monotonic() - self.started:.3f}", timestamp=self.timestamp,
                         hostname=platform.node())
        suite.extend(self.cases)
        suites = _element("testsuites", name=f"{SUITE_NAME} tests")
        suites.append(suite)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Whole or not at all: a second signal while writing leaves the last file.
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        ET.ElementTree(suites).write(partial, encoding="utf-8", xml_declaration=True)
        os.replace(partial, self.path)


class JUnitSink(ResultSink):
    """``JUnitXml`` as a sink of the runner: written once, when the run ends,
    for the whole run: a resumed run's journaled cases are in it too. With
    ``from_records`` (pytest, resuming: pytest's own file would hold the
    cases run now alone) every case comes from its record."""

    def __init__(self, junit: JUnitXml, from_records: bool = False):
        self.junit = junit
        self.from_records = from_records
        self.entries: list[dict] = []

    def record(self, entry: dict) -> None:
        if self.from_records:
            self.entries.append(entry)

    def case_finished(self, case, result: CaseResult, seconds: float) -> None:
        if not self.from_records:
            self.junit.add(case, result, seconds)

    def case_broken(self, case, target: str, error: BaseException, seconds: float) -> None:
        if not self.from_records:
            self.junit.error(case, target, error, seconds)

    def finish(self, runner, interrupted: bool) -> list[str]:
        for entry in [*runner.resumed.values(), *self.entries]:
            self.junit.add_record(entry)
        self.junit.write()
        return [f"junit xml: {self.junit.path}"]
