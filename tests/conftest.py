"""Shared fixtures: a private copy of the sample project, and the real `editorial` command.

Only generic helpers live here; other test files depend on these names, so they do
not change once committed."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from site_html import REPO, copy_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the repository's sample project (mkdocs.yml, content/, overrides/) in tmp_path.

    The schemas are found by the installed package itself, so they are not copied."""
    return copy_project(tmp_path / "project")


def run_editorial(*args: str | os.PathLike, cwd: str | os.PathLike, env: dict | None = None, timeout: float = 120) -> tuple[int, str, str]:
    """Run `python -m editorial ARGS` in `cwd`; (exit code, stdout, stderr)."""
    full_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "editorial", *map(str, args)],
        cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def editorial(project: Path):
    """`editorial(*args, cwd=project)`: the CLI as a subprocess, in the sample project by default."""

    def run(*args: str | os.PathLike, cwd: str | os.PathLike | None = None, env: dict | None = None) -> tuple[int, str, str]:
        return run_editorial(*args, cwd=cwd or project, env=env)

    return run


def sample_warnings(today: str | None = None) -> int:
    """Warnings the untouched sample project gives on `today`: none, until the approved
    sample passes its `next_review` date and is (rightly) reported overdue with W701."""
    import re

    from editorial.model import today as clock  # the clock the CLI uses

    day = today or clock()
    overdue = 0
    for path in (REPO / "content/articles").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^next_review: (\d{4}-\d{2}-\d{2})\s*$", text, re.M)
        overdue += bool(match and re.search(r"^review_status: approved\s*$", text, re.M) and match.group(1) < day)
    return overdue
