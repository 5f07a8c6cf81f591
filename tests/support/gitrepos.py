"""Real git repositories for the history tests, with the `editorial` command run in-process.

`Repo` (support/repo.py) builds a repository whose `main` holds a registry and a
policy; `InProcess` runs `editorial.cli.main` in the repository instead of a subprocess,
which keeps the merge, link and review tests fast. Review lists are built in the exact
shape of GitHub's "list reviews for a pull request" response objects."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from support.cli import run_cli
from support.repo import Repo

_ids = itertools.count(80000001)


def run_in(root: Path, *args) -> tuple[int, str, str]:
    """`editorial ARGS` run in-process in `root`: (exit code, stdout, stderr)."""
    return run_cli(*args, cwd=root)


class InProcess(Repo):
    def editorial(self, *args) -> tuple[int, str, str]:
        return run_in(self.root, *args)

    def sha(self, rev: str = "HEAD") -> str:
        return self.git("rev-parse", rev).strip()

    def merge_tree(self, message: str, *parents: str) -> str:
        """Commit the index as a merge of HEAD and `parents`, whatever git's merge would
        have made: the shapes an attacker can craft with `git commit-tree`."""
        self.git("add", "-A")
        tree = self.git("write-tree").strip()
        args = ["commit-tree", tree, "-p", "HEAD"]
        for parent in parents:
            args += ["-p", parent]
        sha = self.git(*args, "-m", message).strip()
        self.git("reset", "-q", "--hard", sha)
        return sha[:10]


def review(
    login: str,
    state: str,
    commit: str,
    when: str = "2024-06-01T10:00:00Z",
    body: str = "",
    repo: str = "example/medical-answers",
    number: int = 7,
) -> dict:
    """One review object as GitHub's REST API returns it (the fields it documents)."""
    review_id = next(_ids)
    return {
        "id": review_id,
        "node_id": f"PRR_kwDO{review_id}",
        "user": {
            "login": login,
            "id": abs(hash(login)) % 10_000_000,
            "node_id": "MDQ6VXNlcjE=",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{abs(hash(login)) % 10_000_000}?v=4",
            "html_url": f"https://github.com/{login}",
            "type": "User",
            "site_admin": False,
        },
        "body": body,
        "state": state,
        "html_url": f"https://github.com/{repo}/pull/{number}#pullrequestreview-{review_id}",
        "pull_request_url": f"https://api.github.com/repos/{repo}/pulls/{number}",
        "author_association": "MEMBER",
        "_links": {
            "html": {"href": f"https://github.com/{repo}/pull/{number}#pullrequestreview-{review_id}"},
            "pull_request": {"href": f"https://api.github.com/repos/{repo}/pulls/{number}"},
        },
        "submitted_at": when,
        "commit_id": commit,
    }


def codes(output: str) -> list[str]:
    return re.findall(r": ([EW]9\d\d) ", output)


def errors(output: str) -> list[str]:
    return [code for code in codes(output) if code.startswith("E")]
