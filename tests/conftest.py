"""Shared fixtures for the harness's own tests.

Builds go to the normal harness cache ($HIL_CACHE or the XDG cache), so the
suite reuses what `make suite` built and a second run is fast.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.paths import cache_dir
from harness.suite.cases import load_case
from harness.suite.session import SuiteRun
from harness.suite.toolchain import Toolchain

pytest_plugins = ["pytester"]


@pytest.fixture(scope="session")
def toolchain() -> Toolchain:
    return Toolchain.prepare("micropython")


@pytest.fixture(scope="session")
def host32(toolchain, tmp_path_factory):
    """A started SuiteRun on host32 (the g030 configuration, 32-bit)."""
    run = SuiteRun("host32", toolchain=toolchain, log_dir=tmp_path_factory.mktemp("logs")).start()
    yield run
    run.stop()


@pytest.fixture
def make_case(tmp_path):
    """Write a case file (and optionally its .exp) and load it."""
    root = tmp_path / "suite"

    def make(name: str, text: str, exp: str | None = None):
        path = root / f"{name}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if exp is not None:
            path.with_suffix(".exp").write_text(exp)
        return load_case(path, root)

    return make


def pytest_collection_modifyitems(items):
    # Anything below tests/ that starts a runner or QEMU is an integration test.
    for item in items:
        if Path(item.path).name.startswith(("test_verdicts", "test_booter", "test_plugin", "test_qemu", "test_report", "test_xdist",
                                           "test_cli_allure", "test_cli_junit")):
            item.add_marker(pytest.mark.integration)


def pytest_configure(config):
    # pytester moves HOME; pin the cache first so nested runs reuse the builds.
    os.environ.setdefault("HIL_CACHE", str(cache_dir()))
    config.addinivalue_line("markers", "integration: builds and runs real VM runners or emulators")
