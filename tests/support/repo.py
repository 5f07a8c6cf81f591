"""`Repo`: a real git repository in a tmp folder whose `main` holds a registry (REGISTRY) and
a policy (CONFIG), on branch `pr`, with the `editorial` command run in this process; and
`article_text`, a fictional article for it. The people and articles are fictional test data."""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
from pathlib import Path

from support.cli import run_cli

REGISTRY = """\
people:
  - id: wendy-writer
    name: Wendy Writer
    roles: [writer]
    github: wendy-w
    since: 2020-01-01
  - id: bram-board
    name: Bram Board
    roles: [board]
    specialties: [anesthesia]
    github: bram-b
    since: 2020-01-01
  - id: cora-board
    name: Cora Board
    roles: [board]
    specialties: [neurology]
    github: cora-b
    since: 2020-01-01
  - id: olga-former
    name: Olga Former
    roles: [board]
    github: olga-f
    since: 2020-01-01
    until: 2021-01-01
  - id: ada-both
    name: Ada Both
    roles: [writer, board]
    github: ada-b
    since: 2020-01-01
"""

CONFIG = """\
site_name: Test site
docs_dir: content
plugins:
  - editorial:
      min_approvals: {min_approvals}
      review_interval_days: 365
"""


def article_text(
    slug: str = "pump-question",
    status: str = "submitted",
    reviews: str = "[]",
    authors: str = "[wendy-writer]",
    body: str = "The answer, in our own words.",
    extra: str = "",
) -> str:
    return f"""---
id: {slug}
title: A fictional test question?
description: A fictional answer used only by the test suite.
audience: [clinician]
specialties: [anesthesia]
authors: {authors}
created: 2024-05-01
updated: 2024-05-02
review_status: {status}
reviews: {reviews}
{extra}conflicts: none
references: []
---

## From the Guidelines

{body}
"""


_STARTS: dict[int, Path] = {}  # min_approvals -> the repository every Repo starts as, in this process


class Repo:
    """A real git repository with `main` holding the registry and policy, on branch `pr`."""

    def __init__(self, root: Path, min_approvals: int = 1):
        self.root = root
        shutil.copytree(self._start(min_approvals), root, symlinks=True, dirs_exist_ok=True)

    @classmethod
    def _start(cls, min_approvals: int) -> Path:
        """The first commit is the same for every test: it is made once (per process and
        policy) and copied, which saves each test five git commands."""
        if min_approvals not in _STARTS:
            root = Path(tempfile.mkdtemp(prefix="editorial-repo-")) / "repo"
            atexit.register(shutil.rmtree, root.parent, True)
            repo = cls.__new__(cls)
            repo.root = root
            (root / "content" / "articles").mkdir(parents=True)
            (root / "mkdocs.yml").write_text(CONFIG.format(min_approvals=min_approvals))
            (root / "content" / "people.yml").write_text(REGISTRY)
            (root / "content" / "index.md").write_text("# Home\n")
            repo.git("init", "-q", "-b", "main")
            repo.commit("base: registry and policy")
            repo.git("checkout", "-q", "-b", "pr")
            _STARTS[min_approvals] = root
        return _STARTS[min_approvals]

    def git(self, *args: str) -> str:
        done = subprocess.run(
            [
                "git",
                "-c",
                "user.name=Test Writer",
                "-c",
                "user.email=writer@example.invalid",
                "-c",
                "commit.gpgsign=false",
                *args,
            ],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def path(self, name: str) -> Path:
        return self.root / "content" / "articles" / f"{name}.md"

    def write(self, name: str, text: str) -> None:
        self.path(name).parent.mkdir(parents=True, exist_ok=True)
        self.path(name).write_text(text)

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "--short=10", "HEAD").strip()

    def on_main(self) -> None:
        """Merge the branch into main, as if the pull request had been merged; go on on a new branch."""
        branch = self.git("branch", "--show-current").strip()
        self.git("checkout", "-q", "main")
        self.git("merge", "-q", "--ff-only", branch)
        self.git("checkout", "-q", "-b", f"pr{len(self.git('branch').split())}")

    def editorial(self, *args: str) -> tuple[int, str, str]:
        return run_cli(*args, cwd=self.root)

    def check(self, *extra: str) -> tuple[int, str, str]:
        return self.editorial("check-transitions", "--base", "main", *extra)

    def digest(self, name: str) -> str:
        code, out, err = self.editorial("digest", self.path(name))
        assert code == 0, err
        return out.split()[0]

    def record(self, name: str, reviewer: str, decision: str = "approved", date: str = "2024-06-01") -> str:
        """A review record in block form, with the file's real current digest."""
        return (
            f"\n  - reviewer: {reviewer}\n    decision: {decision}\n    date: {date}\n    digest: {self.digest(name)}"
        )
