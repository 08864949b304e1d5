"""``python -m harness ab``: two VM sources on the same targets, case by case (docs/ab.md).

    python -m harness ab --target qemu-m0,qemu-g030 --a pinned --b ~/src/micropython [cases/floats ...]
    python -m harness suite --ab-against pinned --vm-src ~/src/micropython   (the same A/B)

The cases are chosen as ``suite`` chooses them (harness/cli_suite.py); the
run is harness/ab/run.py's; the reports (harness/reports/ab.py) go to the
run's reports folder: ab-<target>.md, .csv and .svg, and Allure results with
each case's run on B and its comparison with A attached. Exit status: 2 when
a case broke on either side (or a side could not run at all), else 1 when a
verdict got worse, a case got slower on B past the tolerance or B's firmware
no longer fits, else 0.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .ab.compare import CaseAB, notes_of, percent
from .ab.run import ABRun
from .cli_suite import report_path, select_cases
from .errors import ConfigError
from .options import Settings
from .registry import vm_profiles
from .reports import ab as ab_report
from .reports import folder
from .reports.allure import RESULTS_FOLDER, AllureResults, AllureSink, results_line
from .suite.sources import check_source
from .targets import load_target

# Options of a run of cases that an A/B has no use for: it journals nothing
# and compares two sources with each other, not with a baseline.
NOT_FOR_AB = {"resume": "--resume", "update_baseline": "--update-baseline", "hil_results": "--hil-results",
              "hil_journal": "--hil-journal"}


def check_sides(settings: Settings, a: str | None, b: str | None) -> tuple[str, str]:
    """Both sides named, each an existing source; before anything runs."""
    for key, flag in NOT_FOR_AB.items():
        if getattr(settings, key):
            raise ConfigError(f"{flag} does not apply to an A/B", "leave it out (an A/B writes ab-<target>.* and "
                              "Allure results, and compares its two sources with each other)")
    if not b:
        raise ConfigError("an A/B needs side B: --b SOURCE (with python -m harness suite or pytest: "
                          "--vm-src SOURCE, or pinned when none is given)",
                          "e.g. python -m harness ab --a pinned --b ~/src/micropython")
    vms = {load_target(name).vm for name in settings.target}
    for flag, value in (("--a", a), ("--b", b)):
        for item in (value or "pinned").split(","):
            name, named, rest = item.partition("=")
            named = named and name in vm_profiles.names()
            spec = check_source(rest if named else item, flag)
            for vm in ({name} if named else vms) if spec.pin else ():
                profile = vm_profiles.get(vm)()
                if spec.pin not in profile.pins:
                    raise ConfigError(f"{flag} {item}: {profile.title} has no pinned source {spec.pin!r}",
                                      f"its pins: {', '.join(profile.pins) or 'none'}")
    return a or "pinned", b


def run_ab(settings: Settings, paths: list[str], a: str | None, b: str | None, verbose: bool = False) -> int:
    a, b = check_sides(settings, a, b)
    for name in settings.target:   # a misspelt one stops here, before the last run's reports are touched
        load_target(name)
    cases, corpora = select_cases(paths, settings)
    reports = folder.choose(settings.reports_dir, Path.cwd() / "reports", corpora)
    lock = allure = None
    if not settings.no_reports:
        allure_folder = report_path(settings.alluredir, "--alluredir", reports / RESULTS_FOLDER, corpora)
        lock = folder.ReportsLock(reports)
        lock.acquire(settings.wait_for_reports)
        allure = AllureResults(allure_folder, clean=settings.clean_alluredir or not settings.alluredir)

    def attach(ab: CaseAB, case) -> None:
        if allure is not None and allure.open:
            allure.attach_open(f"A/B: {a} -> {b}", json.dumps(case_record(ab), indent=1, sort_keys=True), "json")
            if ab.output_diff:
                allure.attach_open("A/B output diff", ab.output_diff, "diff")
        if verbose or ab.worse or ab.verdict_change or ab.output_diff:
            print(f"{ab.case} on {ab.b['target']}: " + describe(ab))

    try:
        ab = ABRun(settings, a, b, reports, tolerance=settings.ab_tolerance, repeats=settings.ab_repeats,
                   sinks_b=[AllureSink(allure)] if allure else [], on_compared=attach,
                   say=lambda line: print(f"bytecode-hil: {line}", file=sys.stderr))
        # Every target checked before anything runs (the Runner loads them).
        return _run(ab, cases, reports, allure, settings)
    finally:
        if lock is not None:
            lock.release()


def _run(ab: ABRun, cases: list, reports: Path, allure: AllureResults | None, settings: Settings) -> int:
    worst, results = 0, []
    try:
        for name in settings.target:
            result = ab.run_target(name, cases)
            files = [] if settings.no_reports else ab_report.write(result, reports)
            if allure is not None and files:
                allure.attach_globally(files, f"A/B on {name}")
            print("\n".join(ab_report.summary_lines(result, files)))
            worst = max(worst, result.status())
            results.append(result)
    finally:
        ab.close()
        if allure is not None:
            allure.finish(list(settings.target))
            print(results_line(allure.folder))
    print(ab_report.verdict_line(results, worst))
    return worst


def describe(ab: CaseAB) -> str:
    text = f"{ab.a['verdict']} -> {ab.b['verdict']}"
    if ab.cycles[0] is not None and ab.cycles[1] is not None:
        text += f", {ab.cycles[0]:,} -> {ab.cycles[1]:,} cycles ({percent(ab.change)}, {ab.timing}"
        text += ", past the tolerance)" if ab.past_tolerance else ")"
    notes = notes_of(ab)
    return text + (f"; {notes}" if notes else "") + (f"\n{ab.output_diff.rstrip()}" if ab.output_diff else "")


def case_record(ab: CaseAB) -> dict:
    """A case's comparison as its Allure attachment shows it."""
    return {"case": ab.case, "verdict": {"A": ab.a["verdict"], "B": ab.b["verdict"], "change": ab.verdict_change},
            "cycles": {"A": ab.cycles[0], "B": ab.cycles[1], "change": percent(ab.change), "timing": ab.timing,
                       "exact": ab.exact, "past_tolerance": ab.past_tolerance},
            "heap_peak": {s: ab.figure(s, "heap_peak") for s in ("A", "B")},
            "stack_peak": {s: ab.figure(s, "stack_peak") for s in ("A", "B")},
            "blob": ab.blob, "a_blob_on_b": ab.cross, "notes": notes_of(ab)}
