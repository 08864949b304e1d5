"""The nightly pipeline: the workflow and ci/nightly.sh agree with the targets and each other."""

from __future__ import annotations

import json
import os
import re
import subprocess

import yaml

from harness.paths import CASES_DIR
from harness.targets import load_target

REPO = CASES_DIR.parent
WORKFLOW = REPO / ".github" / "workflows" / "nightly.yml"
SCRIPT = REPO / "ci" / "nightly.sh"


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def test_every_job_runs_the_plain_script():
    for name, job in workflow()["jobs"].items():
        runs = [step["run"] for step in job["steps"] if "run" in step]
        assert any(r.startswith("ci/nightly.sh ") for r in runs), f"job {name} does not call ci/nightly.sh"


def test_board_jobs_run_on_runners_labelled_by_board():
    job = workflow()["jobs"]["board"]
    assert job["runs-on"] == ["self-hosted", "bytecode-hil", "board-${{ matrix.board }}"]
    expression = job["strategy"]["matrix"]["board"]
    scheduled = json.loads(re.search(r"'(\[.*?\])'", expression).group(1))  # the boards of a scheduled night
    for target in scheduled:
        assert load_target(target).needs_board, f"{target} is no board target"
    # actionlint knows every label a board job asks for
    labels = yaml.safe_load((REPO / ".github" / "actionlint.yaml").read_text())["self-hosted-runner"]["labels"]
    assert {"bytecode-hil", *(f"board-{t}" for t in scheduled)} <= set(labels)


def test_emulated_targets_exist_and_need_no_board():
    text = SCRIPT.read_text()
    default = text.split("HIL_NIGHTLY_TARGETS:-", 1)[1].split("}", 1)[0]
    assert default == "host32,qemu-m0,qemu-g030"
    for target in default.split(","):
        assert not load_target(target).needs_board


def test_results_are_published_whatever_the_outcome():
    for name, job in workflow()["jobs"].items():
        uploads = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
        assert uploads and all(s.get("if") == "always()" for s in uploads), name
        assert all("reports/" in s["with"]["path"] for s in uploads), name


def test_history_is_restored_before_and_saved_after_the_run():
    steps = workflow()["jobs"]["emulated"]["steps"]
    uses = [s.get("uses", s.get("run", "")) for s in steps]
    restore = uses.index("actions/cache/restore@v4")
    run = next(i for i, u in enumerate(uses) if u.startswith("ci/nightly.sh"))
    save = uses.index("actions/cache/save@v4")
    assert restore < run < save and steps[save]["if"] == "always()"
    assert steps[restore]["with"]["path"] == steps[save]["with"]["path"] == "nightly-state/allure-history.jsonl"


def test_script_refuses_bad_usage_before_doing_anything(tmp_path):
    for args in ([], ["nightly"], ["board"], ["emulated", "extra"]):
        proc = subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True,
                              env={**os.environ, "HIL_NIGHTLY_DIR": str(tmp_path)})
        assert proc.returncode == 2 and "usage: ci/nightly.sh emulated | board TARGET" in proc.stderr
    assert list(tmp_path.iterdir()) == []
