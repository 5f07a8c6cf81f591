"""The pull request's job summary shows each changed article as readers will read it.

On a git repository of the sample project: a revision of the approved sample article,
summarised by the real `editorial summary` (in-process), with GitHub's reviews."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from editorial import summary
from editorial.loader import load_article
from editorial.model import Context, Policy, Registry
from gitrepos import review, run_in

ARTICLE = "content/articles/itp-refill-sepsis.md"


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.git
def test_the_summary_shows_the_revised_article_its_references_and_who_approved_what(project: Path, tmp_path: Path):
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "the sample project")
    git(project, "checkout", "-q", "-b", "revise")
    assert run_in(project, "start-review", ARTICLE)[0] == 0
    path = project / ARTICLE
    path.write_text(
        path.read_text().replace("## From the Research", "## From the Research\n\nA sentence the writer added.\n")
    )
    git(project, "commit", "-q", "-am", "revise the answer")
    head = git(project, "rev-parse", "HEAD").strip()
    registry = (project / "content" / "people.yml").read_text()
    board_login = re.search(r"github: (\S+)", registry.split("roles: [board]")[1]).group(1)
    reviews = tmp_path / "reviews.json"
    reviews.write_text(json.dumps([review(board_login, "APPROVED", head)]))

    code, out, err = run_in(project, "summary", "--base", "main", "--reviews", reviews)
    assert code == 0, err
    assert out.startswith("# Articles in this pull request\n")
    assert "## Can an intrathecal pump be refilled in a patient with active sepsis?" in out
    assert "> Usually not. Defer a routine refill until the sepsis has been treated" in out
    assert "### From the Guidelines" in out and "### From the Research" in out and "A sentence the writer added." in out
    assert re.search(r'<sup class="citation"><a href="#ref-evans2021">1</a></sup>', out)  # numbered by first citation
    assert "[@evans2021]" not in out
    assert (
        "### References" in out
        and '<li id="ref-evans2021" value="1">' in out
        and "https://doi.org/10.1007/s00134-021-06506-y" in out
    )
    assert "status **under_review**" in out and "text changed" in out
    digest = run_in(project, "digest", ARTICLE)[1].split()[0]
    assert f"`{digest}`" in out
    assert "| an earlier text |" in out  # the old approval, of the old text
    assert f"(`{board_login}`) approved on commit `{head[:10]}` (this text): not recorded yet" in out


def test_render_escapes_front_matter_and_lists_deletions_and_other_files():
    text = """---
id: x-question
title: "A <script>alert(1)</script> title | with a pipe"
description: An answer.
audience: [clinician]
specialties: [anesthesia]
authors: [someone]
created: 2024-01-01
updated: 2024-01-01
review_status: submitted
reviews: []
conflicts: none
references: []
---

# A level-one heading

```
# not a heading: code
```
"""
    article, _ = load_article("content/articles/x-question.md", text.encode())
    ctx = Context(Registry("content/people.yml", {}), Policy(), "2024-06-01")
    changes = summary.Summary(
        [
            summary.Changed("content/articles/x-question.md", article, None),
            summary.Changed("content/articles/gone.md", None, article),
        ],
        ["content/index.md"],
    )
    out = summary.render(changes, ctx)
    assert "<script>" not in out and "&lt;script&gt;" in out and "\\| with a pipe" in out
    assert "\n## A level-one heading\n" in out and "\n# not a heading: code\n" in out
    assert "## Deleted: A &lt;script&gt;" in out and "(E906)" in out
    assert "- `content/index.md`" in out and "(E912)" in out
