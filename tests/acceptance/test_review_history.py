"""The review history: every approved version of an article, read from git in one pass.

Real git repositories in tmp_path, the real loader and workflow; no build (the page that
shows the history is checked in test_reader_site.py)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from editorial import committed
from editorial.core import review_history
from editorial.core.loader import load_article
from editorial.git import GitError, Repository
from editorial.workspace import Workspace
from support.gate_content import SAMPLE
from support.site_html import copy_project

pytestmark = pytest.mark.git

PATH = "content/articles/itp-refill-sepsis.md"


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _approved(text: str, records: list[tuple[str, str]], extra: str = "") -> str:
    """The sample with `extra` added to its body, approved by `records` (reviewer, date) of that text."""
    body = text.replace("## From the Guidelines\n\n", f"## From the Guidelines\n\n{extra}\n\n", 1) if extra else text
    digest = load_article("x.md", body.encode())[0].digest
    log = "".join(
        f"  - reviewer: {who}\n    decision: approved\n    date: {day}\n    digest: {digest}\n" for who, day in records
    )
    return re.sub(r"^reviews:\n(?:  .*\n|    .*\n)+", "reviews:\n" + log, body, count=1, flags=re.M), digest


@pytest.fixture
def repo(tmp_path):
    root = copy_project(tmp_path / "project")
    _git(root, "init", "-q", "-b", "main")
    return root


def _versions(root: Path) -> list[review_history.ApprovedVersion]:
    corpus = Workspace(root).corpus()
    found = committed.main_history(root)
    article = next(a for a in corpus.articles if a.id == "itp-refill-sepsis")
    by_path = {a.path: a for a in corpus.articles}
    mine = [
        review_history.Committed(v.commit, v.path, v.article)
        for v in found
        if (v.article.id if v.article is not None else by_path[v.current].id) == article.id
    ]
    return review_history.versions(article, corpus.context, mine)


def test_each_approval_on_the_branch_is_a_version_renames_and_re_reviews_included(repo):
    first, first_digest = _approved(SAMPLE, [("tomas-lindqvist", "2025-06-02")], extra="An earlier wording.")
    (repo / PATH).write_text(first, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "first approval")
    one = _git(repo, "rev-parse", "HEAD").strip()

    # revised, renamed (the id stays) and approved again; then re-reviewed without a change
    second, digest = _approved(SAMPLE, [("amara-okafor", "2026-06-09")])
    second = second.replace(
        "reviews:\n",
        f"reviews:\n  - reviewer: tomas-lindqvist\n    decision: approved\n    date: 2025-06-02\n"
        f"    digest: {first_digest}\n",
        1,
    )
    _git(repo, "mv", PATH, "content/articles/pump-refill-in-sepsis.md")
    (repo / "content/articles/pump-refill-in-sepsis.md").write_text(second, encoding="utf-8")
    _git(repo, "commit", "-qam", "revised")
    again = f"  - reviewer: amara-okafor\n    decision: approved\n    date: 2026-11-01\n    digest: {digest}\n"
    third = re.sub(r"(^reviews:\n(?:  .*\n|    .*\n)+)", lambda m: m.group(1) + again, second, count=1, flags=re.M)
    (repo / "content/articles/pump-refill-in-sepsis.md").write_text(third, encoding="utf-8")
    _git(repo, "commit", "-qam", "re-reviewed")

    versions = _versions(repo)
    assert [(v.date, v.reviewers, v.content_changed) for v in versions] == [
        ("2025-06-02", ("tomas-lindqvist",), True),
        ("2026-06-09", ("amara-okafor",), True),
        ("2026-11-01", ("amara-okafor",), False),
    ]
    assert versions[0].commit == one and versions[0].path == PATH
    assert versions[0].digest == first_digest and versions[-1].digest == digest
    assert review_history.first_approval(versions) == "2025-06-02"


def test_an_approval_not_committed_yet_ends_the_history(repo):
    first, _ = _approved(SAMPLE, [("tomas-lindqvist", "2025-06-02")], extra="An earlier wording.")
    (repo / PATH).write_text(first, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "first approval")
    (repo / PATH).write_text(SAMPLE, encoding="utf-8")  # the sample's own approval, in the working tree only
    versions = _versions(repo)
    assert [(v.date, bool(v.commit)) for v in versions] == [("2025-06-02", True), ("2026-06-09", False)]


def test_versions_that_were_never_approved_are_not_in_the_history(repo):
    draft = SAMPLE.replace("review_status: approved", "review_status: under_review", 1)
    (repo / PATH).write_text(draft, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "under review")
    (repo / PATH).write_text(SAMPLE, encoding="utf-8")
    _git(repo, "commit", "-qam", "approved")
    versions = _versions(repo)
    assert [(v.date, v.reviewers) for v in versions] == [("2026-06-09", ("amara-okafor",))]
    assert versions[0].commit == _git(repo, "rev-parse", "HEAD").strip()


def test_outside_a_repository_git_cannot_answer(tmp_path):
    root = copy_project(tmp_path / "project")
    with pytest.raises(GitError):
        committed.main_history(root)


def test_a_re_review_without_changes_moves_the_review_date_only():
    """The page's dates (shown, and in its metadata): published at the first approval, updated at
    the approval of the text on the page, reviewed at the approval now."""
    first = review_history.ApprovedVersion("2025-01-10", ("a",), "sha256:one")
    revised = review_history.ApprovedVersion("2025-06-02", ("a",), "sha256:two", content_changed=True)
    again = review_history.ApprovedVersion("2026-06-09", ("b",), "sha256:two", content_changed=False)
    assert review_history.dates([first, revised, again], again) == review_history.Dates(
        "2025-01-10", "2025-06-02", "2026-06-09"
    )
    assert review_history.dates([first, revised], revised) == review_history.Dates(
        "2025-01-10", "2025-06-02", "2025-06-02"
    )
    assert review_history.dates([first], first) == review_history.Dates("2025-01-10", "2025-01-10", "2025-01-10")
    assert review_history.dates([], None) == review_history.Dates("", "", "")  # a draft in a preview: no dates


def test_files_git_thinks_changed_are_the_working_trees_own_when_their_bytes_are_indexed(repo):
    """`diff-files` names every file written in the same second as the index (a generated
    corpus, some checkouts); those whose bytes are the indexed ones are still the working
    tree's own (never loaded again from git); an edit of the same size, a deletion and a link are not."""
    other, same_size, gone, link = (f"content/articles/{n}.md" for n in ("other", "same-size", "gone", "link"))
    for n, name in enumerate((other, same_size, gone)):
        (repo / name).write_text(SAMPLE + "\n" * (n + 1), encoding="utf-8")  # three blobs
    (repo / link).symlink_to("itp-refill-sepsis.md")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "approved")
    # the index is made stale for every file, as when files and index are written in one second
    (repo / same_size).write_text(SAMPLE.replace("sepsis", "SEPSIS", 1) + "\n\n", encoding="utf-8")
    for path in repo.joinpath("content/articles").iterdir():
        if not path.is_symlink():
            os.utime(path, (1, 1))
    (repo / gone).unlink()
    git = Repository(repo)
    try:
        changed = set(_git(repo, "diff-files", "--name-only", "-z").split("\0")) - {""}
        assert {PATH, other, same_size, gone} <= changed  # git itself cannot tell
        unchanged = set(git.indexed_unchanged("content/articles").values())
    finally:
        git.close()
    files = {f"content/articles/{p.name}" for p in repo.joinpath("content/articles").iterdir() if not p.is_symlink()}
    assert unchanged == files - {same_size} and {PATH, other} <= unchanged
    history = committed.main_history(repo)
    assert {PATH, other} <= {v.current for v in history if v.article is None}
    assert {v.path for v in history if v.article is not None} == {same_size, gone}  # read from git
