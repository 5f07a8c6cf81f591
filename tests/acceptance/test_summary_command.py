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
from cmarkgfm.cmark import Options

from support.github_markdown import Redline, on_github
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


@pytest.mark.git
def test_a_revision_shows_just_the_number_it_changes_and_the_reference_it_adds(project: Path):
    """The board re-reviews a revised answer by its changes: the text as readers read it, compared
    word by word with the last approved version, as GitHub renders the summary."""
    from support.gate_content import rebind

    path = project / ARTICLE
    long_paragraph = "The result can be meningitis"
    # on main, an approved version whose long first paragraph holds a number (test content, not advice)
    approved = rebind(path.read_text().replace(long_paragraph, "Within 48 hours, the result can be meningitis"))
    path.write_text(approved)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "the approved version")
    git(project, "checkout", "-q", "-b", "revise")
    assert run_in(project, "start-review", ARTICLE)[0] == 0
    added_reference = (
        "references:\n  - id: example2024\n    evidence: research\n    type: article-journal\n"
        "    title: Example content, a fictional report for this test\n    author: [{family: Example, given: A}]\n"
        "    container-title: Example Journal\n    issued: {date-parts: [[2024]]}\n"
    )
    revised = (
        path.read_text()
        .replace("Within 48 hours", "Within 72 hours")
        .replace("through the pump [@koljonen2021].", "through the pump [@koljonen2021] [@example2024].")
        .replace("references:\n", added_reference, 1)
    )
    path.write_text(revised)
    git(project, "commit", "-q", "-am", "revise one number, add one source")

    code, out, err = run_in(project, "summary", "--base", "main")
    assert code == 0, err
    assert out.index("### Changes since the approved version") < out.index("*The answer as written")  # first
    section = Redline()
    section.feed(cmarkgfm.github_flavored_markdown_to_html(out, options=Options.CMARK_OPT_UNSAFE))
    assert section.marked["del"] == ["48"] and section.marked["ins"][:2] == ["72", "[4]"], section.marked
    assert len(section.marked["ins"]) == 3 and section.marked["ins"][2].startswith("[4] Example A. Example content")
    assert set(section.tags) <= {"p", "em", "strong", "del", "ins", "ul", "li", "code"}, set(section.tags)
    text = " ".join("".join(section.text).split())
    assert "Added: [4] Example A. Example content, a fictional report for this test" in text
    # the changed sentence with its neighbour as context; the rest of the answer counted, not shown
    assert "Within 48 72 hours, the result can be meningitis" in text
    assert re.search(r"… \d+ unchanged sentences …", text)
    assert "When the refill cannot wait" not in text and "Removed" not in text and "Also on the page" not in text
