"""A writer's pull request with one article, and its reviews on GitHub (for the record-reviews tests)."""

from __future__ import annotations

import json
from pathlib import Path

from support.gitrepos import InProcess, review
from support.repo import article_text

ARTICLE = "content/articles/pump-question.md"


class PullRequest:
    """A writer's branch with one article, and the pull request's reviews on GitHub."""

    def __init__(self, tmp_path: Path, min_approvals: int = 1, authors: str = "[wendy-writer]", start: bool = True):
        self.repo = InProcess(tmp_path / "repo", min_approvals=min_approvals)
        self.file = tmp_path / "reviews.json"
        self.reviews: list[dict] = []
        self.repo.write("pump-question", article_text(authors=authors))
        self.repo.commit("add the article")
        if start:
            assert self.repo.editorial("start-review", self.repo.path("pump-question"))[0] == 0
            self.repo.commit("start the review")

    @property
    def head(self) -> str:
        return self.repo.sha()

    def add(
        self, login: str, state: str, commit: str | None = None, when: str = "2024-06-01T10:00:00Z", body: str = ""
    ) -> dict:
        item = review(login, state, commit or self.head, when, body)
        self.reviews.append(item)
        self.file.write_text(json.dumps(self.reviews, indent=2))
        return item

    def record(self) -> tuple[int, str, str]:
        if not self.file.exists():
            self.file.write_text("[]")
        return self.repo.editorial("record-reviews", "--base", "main", "--reviews", self.file)

    def check(self) -> tuple[int, str]:
        code, out, err = self.repo.editorial("check-transitions", "--base", "main", "--reviews", self.file)
        return code, out + err

    def text(self) -> str:
        return self.repo.path("pump-question").read_text()

    def edit(self, old: str = "The answer, in our own words.", new: str = "A revised answer.") -> None:
        self.repo.write("pump-question", self.text().replace(old, new))

    def commits(self) -> int:
        return int(self.repo.git("rev-list", "--count", "main..HEAD").strip())
