"""Shared fixtures: a private copy of the sample project, and the real `editorial` command.

Only generic helpers live here; other test files depend on these names, so they do
not change once committed. `run_cli` (and the `editorial` fixture) run the command's own
`main` in this process, which is what the tests use; `run_editorial` starts the installed
module as a subprocess, for the few smoke tests of the process itself (exit status, no
traceback, the console script)."""

from __future__ import annotations

import contextlib
import functools
import io
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


def run_editorial(
    *args: str | os.PathLike, cwd: str | os.PathLike, env: dict | None = None, timeout: float = 120
) -> tuple[int, str, str]:
    """Run `python -m editorial ARGS` in `cwd`; (exit code, stdout, stderr)."""
    full_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "editorial", *map(str, args)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done.returncode, done.stdout, done.stderr


@functools.cache
def _parser(build):
    return build()


def run_cli(*args: str | os.PathLike, cwd: str | os.PathLike, env: dict | None = None) -> tuple[int, str, str]:
    """`editorial ARGS` run in this process in `cwd`: (exit code, stdout, stderr), as `run_editorial`
    gives them. `env` is set for the run only; a value of None removes the variable.

    `cli.main` builds its argument parser anew on each call, a few milliseconds of argparse's
    translation lookups that add up over a thousand calls; here they share one parser (argparse
    keeps no state between parses)."""
    from editorial import cli

    out, err = io.StringIO(), io.StringIO()
    here, saved = os.getcwd(), {name: os.environ.get(name) for name in (env or {})}
    build_parser = cli.build_parser
    cli.build_parser = lambda: _parser(build_parser)
    os.chdir(cwd)
    try:
        for name, value in (env or {}).items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = str(value)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main([str(a) for a in args])
            except SystemExit as exc:  # argparse: --help (0) and bad arguments (2)
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        os.chdir(here)
        cli.build_parser = build_parser
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def editorial(project: Path):
    """`editorial(*args, cwd=project, env=None)`: the CLI run in this process (`run_cli`), in the
    sample project by default."""

    def run(
        *args: str | os.PathLike, cwd: str | os.PathLike | None = None, env: dict | None = None
    ) -> tuple[int, str, str]:
        return run_cli(*args, cwd=cwd or project, env=env)

    return run


def sample_warnings(today: str | None = None) -> int:
    """Warnings the untouched sample project gives on `today`: none, until the approved
    sample passes its `next_review` date and is (rightly) reported overdue with W701."""
    import re

    from editorial.core.model import today as clock  # the clock the CLI uses

    day = today or clock()
    overdue = 0
    for path in (REPO / "content/articles").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^next_review: (\d{4}-\d{2}-\d{2})\s*$", text, re.M)
        overdue += bool(match and re.search(r"^review_status: approved\s*$", text, re.M) and match.group(1) < day)
    return overdue


@pytest.fixture(scope="module")
def browser():
    """One Chromium (Debian's, through Playwright: tests/browser.py) for a test module."""
    from browser import chromium

    with chromium() as launched:
        yield launched
