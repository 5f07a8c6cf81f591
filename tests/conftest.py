"""The suite's fixtures and its rules; the helpers tests import are in tests/support/.

- unit/: the core (and the small adapters) called directly with values; seconds.
- acceptance/: the product as people meet it: the CLI on a copied project, real git
  repositories, real `mkdocs build`, Debian's Chromium. Marked `acceptance` here, by folder.
- Every test runs on one fixed day, EDITORIAL_TODAY (support/clock.py), in this process and
  in every process it starts.
- A skipped test fails the run: a suite that did not run its browser tests is not green."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.cli import run_cli
from support.clock import TODAY
from support.site_html import copy_project

os.environ["EDITORIAL_TODAY"] = TODAY  # before any test, so every process a test starts inherits it


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the repository's sample project (mkdocs.yml, content/, overrides/) in tmp_path.

    The schemas are found by the installed package itself, so they are not copied."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def editorial(project: Path):
    """`editorial(*args, cwd=project, env=None)`: the CLI run in this process (`run_cli`), in the
    sample project by default."""

    def run(
        *args: str | os.PathLike, cwd: str | os.PathLike | None = None, env: dict | None = None
    ) -> tuple[int, str, str]:
        return run_cli(*args, cwd=cwd or project, env=env)

    return run


@pytest.fixture(scope="module")
def browser():
    """One Chromium (Debian's, through Playwright: tests/support/browser.py) for a test module."""
    from support.browser import chromium

    with chromium() as launched:
        yield launched


HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under acceptance/ is an acceptance test: `-m "not acceptance"` is tests/unit."""
    for item in items:
        if item.path.relative_to(HERE).parts[0] == "acceptance":
            item.add_marker(pytest.mark.acceptance)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A skipped test is a failed one: a run that did not do what it says (say, without its
    browser) must not end green. So is an expected failure (xfail). Nothing here skips; this
    keeps it so."""
    report = yield
    if report.skipped and hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"an expected failure (xfail), which this suite counts as failed: {report.wasxfail}"
    elif report.skipped:
        where, line, reason = report.longrepr if isinstance(report.longrepr, tuple) else ("", 0, report.longrepr)
        report.outcome = "failed"
        report.longrepr = (
            f"skipped, which this suite counts as failed: {str(reason).removeprefix('Skipped: ')} ({where}:{line})"
        )
    return report
