"""A hostile GitHub reviews file through the real commands: exit 2 and one line naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.cli import run_cli
from support.site_html import copy_project


@pytest.mark.slow
@pytest.mark.git
def test_the_commands_answer_a_hostile_file_with_exit_2_and_one_line(tmp_path: Path):
    import subprocess

    project = copy_project(tmp_path / "project")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "base"], cwd=project, check=True
    )
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 200_000 + b"]" * 200_000)
    for command in (("check-transitions", "--base", "HEAD"), ("summary", "--base", "HEAD")):
        code, out, err = run_cli(*command, "--reviews", str(deep), cwd=project)
        assert code == 2, (command, out, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and str(deep) in lines[0] and "internal error" not in err, err
