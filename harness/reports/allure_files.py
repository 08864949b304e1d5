"""The run-level files of an Allure results folder: categories.json and environment.properties.

Formats as Allure documents them: ``categories.json`` is a list of rules
(name, matchedStatuses, messageRegex), first match wins; the report's
config (tools/report/allurerc.mjs) reads the same file, so both Allure 2
and Allure 3 reports group failures alike. ``environment.properties`` is a
Java properties file of key = value lines.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path

# allure-pytest puts "<exception type>: <message>" into a result's message:
# harness.plugin.CaseVerdict for a case's verdict (status failed), the
# harness.errors classes and the link errors of harness.protocol for
# infrastructure (status broken). Results written without pytest
# (harness/allure_results.py) give a verdict's summary alone, "fail: <case>
# on <target>: ...", and an error as pytest would.
_VERDICT = r"(?:harness\.plugin\.CaseVerdict: )?{}:[\s\S]*"
_ERROR = r"harness\.(?:errors|protocol)\.(?:{}): [\s\S]*"

CATEGORIES = [
    {"name": "Known deviations gone", "matchedStatuses": ["failed"],
     "messageRegex": _VERDICT.format("fail") + "listed as a known deviation [\\s\\S]*",
     "description": "A case on the VM's known-deviations list passed: the deviation is gone, and its line in "
                    "the list can go (docs/cases.md)."},
    {"name": "Output mismatches", "matchedStatuses": ["failed"], "messageRegex": _VERDICT.format("fail"),
     "description": "The case ran and printed something else than expected (CPython or its .exp), or than "
                    "its host reference."},
    {"name": "VM crashes", "matchedStatuses": ["failed"], "messageRegex": _VERDICT.format("vm-crash"),
     "description": "The VM faulted or the device went away while running the case."},
    {"name": "Timeouts", "matchedStatuses": ["failed"], "messageRegex": _VERDICT.format("timeout"),
     "description": "No result within the case's time limit; the target was restarted."},
    {"name": "Perf regressions", "matchedStatuses": ["failed"],
     "messageRegex": _VERDICT.format("perf-regression"),
     "description": "Right output, but slower than the target's baseline beyond the case's tolerance."},
    {"name": "Known deviations", "matchedStatuses": ["skipped"], "messageRegex": r"XFAIL known deviation [\s\S]*",
     "description": "Cases on the VM's known-deviations list that ended as listed: findings about the VM, "
                    "marked as known (docs/cases.md). Each message gives the reason and the line of the list."},
    {"name": "Infrastructure: build", "matchedStatuses": ["broken"],
     "messageRegex": _ERROR.format("BuildError|SourceError"),
     "description": "The VM source, the compiler or the firmware could not be fetched or built. "
                    "Not a conformance failure."},
    {"name": "Infrastructure: board or emulator lost", "matchedStatuses": ["broken"],
     "messageRegex": _ERROR.format("InfrastructureError|ProtocolError|LinkClosed|LinkCorrupted|DeviceTimeout|"
                                   "DeviceRestarted"),
     "description": "The board or emulator could not be flashed or brought up, or was lost. "
                    "Not a conformance failure."},
    {"name": "Infrastructure: configuration", "matchedStatuses": ["broken"],
     "messageRegex": _ERROR.format("ConfigError"),
     "description": "A bad option, target file, inventory entry or case directive. Not a conformance failure."},
    {"name": "Harness errors", "matchedStatuses": ["broken"],
     "description": "Anything else that broke: a bug in bytecode-hil. Not a conformance failure."},
]

CONFORMANCE_CATEGORIES = {"Known deviations gone", "Output mismatches", "VM crashes", "Timeouts", "Perf regressions"}


def write_categories(results_dir: Path) -> Path:
    path = results_dir / "categories.json"
    path.write_text(json.dumps(CATEGORIES, indent=2) + "\n")
    return path


def _property(value: object) -> str:
    # Properties files: backslashes escape, a line ends the value.
    return str(value).replace("\\", "\\\\").replace("\n", "\\n")


VM_KEYS = ("vm", "vm.source", "vm.source.sha256")


def environment_lines(environments: dict[str, dict], targets: list[str]) -> list[tuple[str, str]]:
    """Key, value pairs: the VM once when every target runs the same (else
    per target), then each target's firmware, device and board."""
    lines = []
    vms = {tuple(env.get(key) for key in VM_KEYS) for env in environments.values()}
    shared = next(iter(environments.values()), {}) if len(vms) == 1 else {}
    for key in VM_KEYS:
        if key in shared:
            lines.append((key, shared[key]))
    lines.append(("targets", ",".join(targets)))
    for target in targets:
        env = environments.get(target)
        if env is None:
            lines.append((f"{target}.status", "never came up (see the broken cases)"))
            continue
        for key, value in env.items():
            if key != "target" and not (shared and key in VM_KEYS):
                lines.append((f"{target}.{key}", value))
    lines.append(("python", platform.python_version()))
    return lines


def target_environment(run) -> dict:
    """What identifies a target's run (a started ``SuiteRun``): firmware,
    footprint, device, board, and the VM."""
    session, source = run.session, run.toolchain.source
    env = {"vm": run.toolchain.profile.name, "vm.source": source.origin, "vm.source.sha256": source.digest,
           "target": run.target.name, "device": str(session.info)}
    if session.firmware:
        env["firmware.build_id"] = session.firmware.build_id
    if session.footprint:
        env["firmware.footprint"] = session.footprint.describe(run.target.memory)
    if session.board:
        env["board"] = f"{session.board.name} ({session.board.origin})"
        for key in ("probe", "port"):  # the debug probe's unique ID, the serial port
            if session.board.options.get(key):
                env[f"board.{key}"] = session.board.options[key]
    if run.reference:
        env["reference"] = f"{run.reference.target.name}: {run.reference.info}"
    return env


def write_environment(results_dir: Path, environments: dict[str, dict], targets: list[str]) -> Path:
    path = results_dir / "environment.properties"
    path.write_text("".join(f"{key} = {_property(value)}\n" for key, value in environment_lines(environments,
                                                                                                   targets)))
    return path
