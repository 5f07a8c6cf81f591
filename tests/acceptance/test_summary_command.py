"""The pull request's job summary on a git repository of the sample project: a revision of the
approved sample article, summarised by the real `editorial summary` (in-process), with
GitHub's reviews, read as GitHub renders it (cmark-gfm)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import cmarkgfm
import pytest

from support.github_markdown import on_github
from support.gitrepos import review, run_in

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
    page = on_github(out)
    seen = page.visible
    assert "<h2>Can an intrathecal pump be refilled in a patient with active sepsis?</h2>" in cmarkgfm.markdown_to_html(
        out
    )
    assert "Usually not. Defer a routine refill until the sepsis has been treated" in seen
    # the body as written: its headings are text, every line is there, citations are numbered
    assert "## From the Guidelines" in seen and "## From the Research A sentence the writer added." in seen
    assert re.search(r"\[1\]", seen) and "[@evans2021]" not in seen
    assert (
        "### References" in out
        and '<li id="ref-evans2021" value="1">' in out
        and "https://doi.org/10.1007/s00134-021-06506-y" in out
    )
    assert "status under_review" in seen and "text changed" in seen
    assert "Authors:" in seen and "Conflicts of interest:" in seen  # the rest of what the page shows
    digest = run_in(project, "digest", ARTICLE)[1].split()[0]
    assert digest in seen
    assert "| an earlier text |" in out  # the old approval, of the old text
    assert f"({board_login}) approved on commit {head[:10]} (this text): not recorded yet" in seen
