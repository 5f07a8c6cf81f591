"""The real `editorial` command, for the tests. `run_cli` (and the `editorial` fixture of
conftest.py) run the command's own `main` in this process, which is what the tests use;
`run_editorial` starts the installed module as a subprocess, for the few smoke tests of the
process itself (exit status, no traceback, the console script)."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import subprocess
import sys


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
