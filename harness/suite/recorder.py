"""Observing a case as it runs: its steps and the evidence behind its verdict.

``SuiteRun.run_case`` reports each stage (compile, push and run, the host
reference, the expected output, the comparison) and its attachments (the
source, the blob's disassembly, outputs, the diff, the timing record) to a
recorder. The default records nothing; the pytest layer and ``python -m
harness suite`` pass one that writes Allure steps (``AllureRecorder``,
harness/allure_results.py). Recorders never change a verdict.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class StepOutcome:
    """How a step ended, when it ended without an exception."""

    problem: str = ""           # non-empty: the step shows as failed
    parameters: dict = field(default_factory=dict)

    def fail(self, problem: str) -> None:
        self.problem = problem


class Recorder:
    """Records nothing. Subclasses override ``step`` and ``attach``."""

    # Attachments that cost work (a disassembly) are made only when wanted.
    wants_attachments = False

    @contextmanager
    def step(self, title: str):
        yield StepOutcome()

    def attach(self, name: str, content: str | bytes, kind: str = "text") -> None:
        """``kind``: text, diff, json, csv, markdown or svg."""


NULL_RECORDER = Recorder()
