"""Merges cannot launder history; links, submodules and site pages in git are judged too.

Each test builds a real repository, crafts a history as an attacker would (merges made
with `git commit-tree`, so any tree with any parents), and runs the real
`editorial check-transitions` in-process. Each asserts the exit status and the located
message. The people and articles are fictional test data."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from support.gitrepos import InProcess, codes, errors, review
from support.repo import article_text

pytestmark = pytest.mark.git


@pytest.fixture
def repo(tmp_path: Path) -> InProcess:
    return InProcess(tmp_path / "repo")


ARTICLE = "content/articles/pump-question.md"


def approve(repo: InProcess, name: str = "pump-question", reviewer: str = "bram-board") -> None:
    assert (
        repo.editorial(
            "review", repo.path(name), "--reviewer", reviewer, "--decision", "approved", "--date", "2024-06-01"
        )[0]
        == 0
    )


def approved_then_withdrawn_on_main(repo: InProcess) -> tuple[str, str]:
    """main: the article approved by bram (commit returned first), then bram withdraws
    his approval of the same text (changes requested) in a later merged change."""
    repo.write("pump-question", article_text())
    repo.commit("add")
    repo.editorial("start-review", repo.path("pump-question"))
    repo.commit("start review")
    approve(repo)
    repo.commit("approve")
    approved = repo.sha()
    repo.on_main()
    assert repo.editorial("start-review", repo.path("pump-question"))[0] == 0
    repo.commit("back to review")
    code, _, err = repo.editorial(
        "review",
        repo.path("pump-question"),
        "--reviewer",
        "bram-board",
        "--decision",
        "changes_requested",
        "--date",
        "2024-06-02",
        "--note",
        "Withdrawn: a new guideline.",
    )
    assert code == 0, err
    repo.commit("bram withdraws his approval")
    repo.on_main()
    withdrawn = repo.sha()
    assert "review_status: submitted" in repo.path("pump-question").read_text()
    return approved, withdrawn


def check(repo: InProcess, *extra: str, base: str = "main") -> tuple[int, str]:
    code, out, err = repo.editorial("check-transitions", "--base", base, *extra)
    assert "Traceback" not in err and "internal error" not in err, err
    return code, out + err


# -- merges of every shape ---------------------------------------------------------------
def test_a_merge_with_an_old_main_commit_cannot_bring_back_a_withdrawn_approval(repo: InProcess):
    approved, _ = approved_then_withdrawn_on_main(repo)
    repo.git("checkout", approved, "--", ARTICLE)  # the tree takes the old, approved version
    sha = repo.merge_tree("merge an old main commit", approved)
    assert "review_status: approved" in repo.path("pump-question").read_text()
    code, out = check(repo, "--approvers", "bram-b")
    assert code == 1, out
    assert "E903" in codes(out)
    assert (
        f"{ARTICLE}:11:1: E903 review record 2 (by `bram-board`) was removed (compared with the base branch's version)"
        in out
    )
    assert f"[commit {sha}]" in out


def test_restoring_the_status_alone_cannot_revive_a_withdrawn_approval(repo: InProcess):
    """The log kept whole, only `approved` written back through a merge: the member's
    latest record on this text is the withdrawal, so there is no quorum."""
    approved, _ = approved_then_withdrawn_on_main(repo)
    text = repo.path("pump-question").read_text().replace("review_status: submitted", "review_status: approved")
    repo.path("pump-question").write_text(text)
    sha = repo.merge_tree("merge", approved)
    code, out = check(repo, "--approvers", "bram-b")
    assert code == 1, out
    assert codes(out) == ["E902"]  # submitted -> approved in the merge itself (it matches neither parent)
    assert f"{ARTICLE}:10:1: E902" in out and sha in out


def test_a_merge_deleting_an_approved_article_needs_the_board(repo: InProcess):
    before = repo.sha("main")  # main before the article existed
    repo.write("pump-question", article_text())
    repo.commit("add")
    repo.editorial("start-review", repo.path("pump-question"))
    repo.commit("start")
    approve(repo)
    repo.commit("approve")
    repo.on_main()
    repo.path("pump-question").unlink()  # the tree of the old main commit, as a merge
    sha = repo.merge_tree("merge the old main", before)
    code, out = check(repo, "--approvers", "wendy-w")
    assert code == 1, out
    assert codes(out) == ["E906"]
    assert f"{ARTICLE}:1:1: E906 an approved article was deleted" in out and f"[commit {sha}]" in out
    code, out = check(repo)
    assert code == 1 and "cannot be confirmed" in out
    code, out = check(repo, "--approvers", "cora-b")
    assert code == 0, out


def test_an_octopus_merge_cannot_launder_either(repo: InProcess):
    approved, _ = approved_then_withdrawn_on_main(repo)
    base = repo.sha()
    repo.git("checkout", "-q", "-b", "side-a", base)
    repo.write("another-question", article_text(slug="another-question"))
    side_a = repo.commit("side a: a new article")
    repo.git("checkout", "-q", "-b", "side-b", base)
    (repo.root / "content" / "articles" / "third-question.md").write_text(article_text(slug="third-question"))
    side_b = repo.commit("side b: a third article")
    repo.git("checkout", "-q", "-b", "octopus", base)
    clean = subprocess.run(
        [
            "git",
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.invalid",
            "merge",
            "-q",
            "--no-ff",
            "--no-edit",
            "side-a",
            "side-b",
        ],
        cwd=repo.root,
        capture_output=True,
        text=True,
    )
    assert clean.returncode == 0, clean.stderr
    assert len(repo.git("log", "-1", "--format=%P").split()) == 3  # a real octopus
    code, out = check(repo)
    assert code == 0, out  # a clean octopus of two new articles passes
    repo.git("checkout", approved, "--", ARTICLE)
    sha = repo.merge_tree("octopus with an old main commit", side_a, approved)
    assert len(repo.git("log", "-1", "--format=%P").split()) == 3
    code, out = check(repo, "--approvers", "bram-b")
    assert code == 1, out
    assert "E903" in codes(out) and f"{ARTICLE}:11:1: E903" in out and sha in out
    assert side_b


def test_a_merge_that_resolves_a_conflict_is_judged(repo: InProcess):
    repo.write("pump-question", article_text())
    repo.commit("add")
    repo.on_main()
    repo.editorial("start-review", repo.path("pump-question"))
    repo.write(
        "pump-question",
        repo.path("pump-question").read_text().replace("The answer, in our own words.", "The branch's answer."),
    )
    repo.commit("branch: revise and start review")
    branch = repo.git("rev-parse", "--abbrev-ref", "HEAD").strip()
    repo.git("checkout", "-q", "main")
    repo.write("pump-question", article_text(body="Main's answer."))
    repo.commit("main: another wording")
    repo.git("checkout", "-q", branch)
    conflict = subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", "merge", "-q", "main"],
        cwd=repo.root,
        capture_output=True,
        text=True,
    )
    assert conflict.returncode != 0 and "CONFLICT" in conflict.stdout + conflict.stderr
    # the resolution: an honest text, under review
    repo.write("pump-question", article_text(status="under_review", body="The answer both sides agreed on."))
    repo.git("add", "-A")
    repo.git("-c", "core.editor=true", "commit", "-q", "--no-edit")
    code, out = check(repo)
    assert code == 0, out
    # ...and a resolution that slips in an approval nobody gave
    repo.git("reset", "-q", "--hard", "HEAD^1")
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", "merge", "-q", "main"],
        cwd=repo.root,
        capture_output=True,
    )
    repo.write("pump-question", article_text(status="under_review", body="The answer both sides agreed on."))
    record = repo.record("pump-question", "bram-board")
    repo.write(
        "pump-question",
        article_text(
            status="approved",
            body="The answer both sides agreed on.",
            reviews=record,
            extra="next_review: 2025-01-01\n",
        ),
    )
    repo.git("add", "-A")
    repo.git("-c", "core.editor=true", "commit", "-q", "--no-edit")
    sha = repo.sha()[:10]
    code, out = check(repo, "--approvers", "cora-b")
    assert code == 1, out
    assert codes(out) == ["E907"]
    assert f"{ARTICLE}:12:5: E907 review record by `bram-board`" in out and f"[commit {sha}]" in out


def test_a_criss_cross_merge_is_judged_in_every_commit(repo: InProcess):
    repo.write("pump-question", article_text())
    repo.commit("add")
    repo.on_main()
    base = repo.sha()
    branch = repo.git("rev-parse", "--abbrev-ref", "HEAD").strip()
    repo.editorial("start-review", repo.path("pump-question"))
    pr1 = repo.commit("pr: start review")
    repo.git("checkout", "-q", "-b", "side", base)
    repo.write("other-question", article_text(slug="other-question"))
    s1 = repo.commit("side: another article")
    repo.git("checkout", "-q", branch)
    repo.git("merge", "-q", "--no-edit", "side")  # Ma: parents pr1, s1
    repo.git("checkout", "-q", "side")
    repo.git("merge", "-q", "--no-commit", pr1)  # Mb: parents s1, pr1, with an evil resolution
    repo.write("pump-question", article_text(status="approved", extra="next_review: 2025-01-01\n"))
    repo.git("add", "-A")
    repo.git("-c", "core.editor=true", "commit", "-q", "--no-edit")
    evil = repo.sha()[:10]
    repo.git("checkout", "-q", branch)
    done = subprocess.run(
        [
            "git",
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.invalid",
            "merge",
            "-q",
            "--no-edit",
            "-X",
            "theirs",
            "side",
        ],
        cwd=repo.root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(repo.git("merge-base", "--all", repo.sha("HEAD^1"), repo.sha("HEAD^2")).split()) == 2  # criss-cross
    assert "review_status: approved" in repo.path("pump-question").read_text()
    code, out = check(repo, "--approvers", "bram-b")
    assert code == 1, out
    assert (
        f"{ARTICLE}:10:1: E902 `review_status` jumped from `submitted` to `approved`" in out
        and f"[commit {evil}]" in out
    )
    assert s1


def test_a_clean_criss_cross_of_honest_branches_passes(repo: InProcess):
    repo.write("pump-question", article_text())
    repo.commit("add")
    repo.on_main()
    base = repo.sha()
    branch = repo.git("rev-parse", "--abbrev-ref", "HEAD").strip()
    repo.editorial("start-review", repo.path("pump-question"))
    pr1 = repo.commit("pr: start review")
    repo.git("checkout", "-q", "-b", "side", base)
    repo.write("other-question", article_text(slug="other-question"))
    repo.commit("side: another article")
    repo.git("checkout", "-q", branch)
    repo.git("merge", "-q", "--no-edit", "side")
    repo.git("checkout", "-q", "side")
    repo.git("merge", "-q", "--no-edit", pr1)
    repo.git("checkout", "-q", branch)
    repo.git("merge", "-q", "--no-edit", "side")
    code, out = check(repo)
    assert code == 0, out


def test_the_pull_request_merge_ref_with_an_old_main_second_parent(repo: InProcess):
    """pr.yml judges GitHub's merge commit with --base HEAD^1: the same laundering fails there."""
    approved, withdrawn = approved_then_withdrawn_on_main(repo)
    repo.git("checkout", approved, "--", ARTICLE)
    repo.merge_tree("launder", approved)
    branch_head = repo.sha()
    repo.git("checkout", "-q", "-b", "merge-ref", withdrawn)
    repo.git("merge", "-q", "--no-ff", "--no-edit", branch_head)
    code, out = check(repo, "--approvers", "bram-b", base="HEAD^1")
    assert code == 1 and "E903" in codes(out), out


def test_a_net_change_reports_once_what_the_commit_walk_already_found(repo: InProcess):
    repo.write("pump-question", article_text(status="approved", extra="next_review: 2025-01-01\n"))
    repo.commit("add approved")
    code, out = check(repo)
    assert code == 1 and codes(out) == ["E901"], out


def test_a_new_article_approved_in_the_same_pull_request_passes(repo: InProcess):
    repo.write("pump-question", article_text())
    repo.commit("add")
    repo.editorial("start-review", repo.path("pump-question"))
    repo.commit("start")
    approve(repo)
    repo.commit("approve")
    code, out = check(repo, "--approvers", "bram-b")
    assert code == 0, out


def test_a_revision_of_an_approved_article_reapproved_in_the_pull_request_passes(repo: InProcess):
    repo.write("pump-question", article_text())
    repo.commit("add")
    repo.editorial("start-review", repo.path("pump-question"))
    repo.commit("start")
    approve(repo)
    repo.commit("approve")
    repo.on_main()
    assert repo.editorial("start-review", repo.path("pump-question"))[0] == 0
    repo.write(
        "pump-question",
        repo.path("pump-question").read_text().replace("The answer, in our own words.", "A revised answer."),
    )
    repo.commit("revise")
    approve(repo, reviewer="cora-board")
    repo.commit("re-approve")
    code, out = check(repo, "--approvers", "cora-b")
    assert code == 0, out


def test_moving_an_approved_article_out_of_articles_is_a_deletion_and_a_site_change(repo: InProcess):
    repo.write("pump-question", article_text())
    repo.commit("add")
    repo.editorial("start-review", repo.path("pump-question"))
    repo.commit("start")
    approve(repo)
    repo.commit("approve")
    repo.on_main()
    (repo.root / "content" / "drafts").mkdir()
    repo.git("mv", ARTICLE, "content/drafts/pump-question.md")
    sha = repo.commit("move it out of articles")
    code, out = check(repo, "--approvers", "wendy-w")
    assert code == 1, out
    assert f"{ARTICLE}:1:1: E906" in out and f"[commit {sha}]" in out
    assert "content/drafts/pump-question.md:1:1: E912" in out


# -- links and submodules in git ---------------------------------------------------------
@pytest.mark.parametrize("target", ["/proc/self/environ", "../../.git/config", "../articles/pump-question.md"])
def test_a_symbolic_link_under_content_is_refused(repo: InProcess, target: str):
    (repo.root / "content" / "assets").mkdir()
    os.symlink(target, repo.root / "content" / "assets" / "data.txt")
    sha = repo.commit("add a link")
    code, out = check(repo, "--approvers", "bram-b")
    assert code == 1, out
    assert "content/assets/data.txt:1:1: E913 content/assets/data.txt is a symbolic link in this commit" in out
    assert f"[commit {sha}]" in out
    assert out.count("E913") == 1  # found in the commit; not reported again at the head


def test_a_symbolic_link_already_on_main_is_refused_at_the_head(repo: InProcess):
    os.symlink("/etc/passwd", repo.root / "content" / "passwd.md")
    repo.commit("a link on the branch")
    repo.on_main()
    repo.write("pump-question", article_text())
    repo.commit("an article")
    code, out = check(repo)
    assert code == 1, out
    assert "content/passwd.md:1:1: E913 content/passwd.md is a symbolic link at the head of this range" in out


def test_an_article_that_is_a_link_is_refused_without_a_traceback(repo: InProcess):
    repo.write("pump-question", article_text())
    repo.commit("add")
    os.symlink("pump-question.md", repo.path("linked-question"))
    sha = repo.commit("a linked article")
    code, out = check(repo)
    assert code == 1, out
    assert "content/articles/linked-question.md:1:1: E913" in out and sha in out


def test_a_link_replacing_an_approved_article_is_a_deletion_and_a_link(repo: InProcess):
    repo.write("pump-question", article_text())
    repo.commit("add")
    repo.editorial("start-review", repo.path("pump-question"))
    repo.commit("start")
    approve(repo)
    repo.commit("approve")
    repo.on_main()
    repo.path("pump-question").unlink()
    os.symlink("/etc/hostname", repo.path("pump-question"))
    repo.commit("replace it with a link")
    code, out = check(repo, "--approvers", "wendy-w")
    assert code == 1, out
    assert f"{ARTICLE}:1:1: E906" in out and f"{ARTICLE}:1:1: E913" in out


def test_a_submodule_under_content_is_refused(repo: InProcess):
    commit = repo.sha()
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{commit},content/vendor")
    repo.git("commit", "-q", "-m", "a submodule")
    sha = repo.sha()[:10]
    code, out = check(repo)
    assert code == 1, out
    assert "content/vendor:1:1: E913 content/vendor is a git submodule (gitlink) in this commit" in out and sha in out


def test_content_itself_as_a_link_is_refused(tmp_path: Path):
    repo = InProcess(tmp_path / "repo")
    repo.git("rm", "-q", "-r", "--cached", "content")
    repo.git("commit", "-q", "-m", "drop content")
    real = repo.root / "content"
    real.rename(repo.root / "elsewhere")
    os.symlink("elsewhere", real)
    repo.commit("content is a link now")
    code, out = check(repo)
    assert code == 1 and "content:1:1: E913 content is a symbolic link" in out, out


# -- site pages and other files of content/ ---------------------------------------------
def change_index(repo: InProcess) -> str:
    (repo.root / "content" / "index.md").write_text("# Home\n\nA new welcome text.\n")
    return repo.commit("edit the home page")


def test_a_site_page_change_needs_a_board_member(repo: InProcess):
    sha = change_index(repo)
    code, out = check(repo)
    assert code == 1 and codes(out) == ["E912"], out
    assert "content/index.md:1:1: E912 this pull request changes content/index.md, which is not an article" in out
    assert "cannot be confirmed" in out and f"[commit {sha}]" in out  # a net finding is named by the head commit
    code, out = check(repo, "--approvers", "wendy-w")
    assert code == 1 and "none of the pull request's approvers is an active board member" in out
    code, out = check(repo, "--approvers", "olga-f")  # a former member
    assert code == 1 and codes(out) == ["E912"]
    code, out = check(repo, "--approvers", "wendy-w,Bram-B")
    assert code == 0, out


@pytest.mark.parametrize(
    "path, data",
    [
        ("content/assets/figure.png", b"\x89PNG\r\n\x1a\n fictional"),
        ("content/people.yml", None),
        ("content/drafts/notes.md", b"# Notes\n"),
        ("content/articles/figure.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
    ],
)
def test_any_other_file_in_content_needs_a_board_member(repo: InProcess, path: str, data: bytes | None):
    target = repo.root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data if data is not None else target.read_bytes() + b"# a comment\n")
    repo.commit("change")
    code, out = check(repo, "--approvers", "wendy-w")
    assert code == 1 and f"{path}:1:1: E912" in out, out
    code, out = check(repo, "--approvers", "cora-b")
    assert code == 0, out


def test_deleting_a_site_page_needs_a_board_member(repo: InProcess):
    (repo.root / "content" / "index.md").unlink()
    repo.commit("delete the home page")
    code, out = check(repo, "--approvers", "wendy-w")
    assert code == 1 and "content/index.md:1:1: E912 this pull request deletes content/index.md" in out, out


def test_a_site_page_change_confirmed_by_a_github_approval_of_that_text(repo: InProcess, tmp_path: Path):
    change_index(repo)
    at_head = repo.sha()
    reviews = tmp_path / "reviews.json"
    reviews.write_text(json.dumps([review("bram-b", "APPROVED", at_head)]))
    code, out = check(repo, "--reviews", str(reviews))
    assert code == 0, out
    # the approval was given before the page changed again: it does not cover this text
    (repo.root / "content" / "index.md").write_text("# Home\n\nA different text after the approval.\n")
    repo.commit("change it after the approval")
    code, out = check(repo, "--reviews", str(reviews))
    assert code == 1 and codes(out) == ["E912"] and "were not given on this file as it is at the head" in out, out
    # a writer's approval never counts
    reviews.write_text(json.dumps([review("wendy-w", "APPROVED", repo.sha())]))
    code, out = check(repo, "--reviews", str(reviews))
    assert code == 1 and codes(out) == ["E912"], out


def test_a_site_page_change_taken_unchanged_from_main_is_not_the_pull_requests(repo: InProcess):
    repo.write("pump-question", article_text())
    repo.commit("add on the branch")
    branch = repo.git("rev-parse", "--abbrev-ref", "HEAD").strip()
    repo.git("checkout", "-q", "main")
    change_index(repo)
    repo.git("checkout", "-q", branch)
    repo.git("merge", "-q", "--no-edit", "main")
    code, out = check(repo)
    assert code == 0, out


def test_a_deletion_is_confirmed_only_by_an_approval_given_after_it(repo: InProcess, tmp_path: Path):
    repo.write("pump-question", article_text())
    repo.commit("add")
    repo.editorial("start-review", repo.path("pump-question"))
    repo.commit("start")
    approve(repo)
    repo.commit("approve")
    repo.on_main()
    before_deletion = repo.sha()
    (repo.root / "content" / "articles" / "note.md").write_text(article_text(slug="note"))
    repo.commit("an unrelated new article")
    approved_earlier = repo.sha()
    repo.path("pump-question").unlink()
    repo.commit("delete the approved article")
    reviews = tmp_path / "reviews.json"
    reviews.write_text(json.dumps([review("cora-b", "APPROVED", approved_earlier)]))
    code, out = check(repo, "--reviews", str(reviews))
    assert code == 1 and errors(out) == ["E906"], out
    assert "were not given on a commit without this article" in out
    reviews.write_text(
        json.dumps(
            [
                review("cora-b", "APPROVED", approved_earlier),
                review("cora-b", "APPROVED", repo.sha(), when="2024-06-02T10:00:00Z"),
            ]
        )
    )
    code, out = check(repo, "--reviews", str(reviews))
    assert code == 0, out
    reviews.write_text(json.dumps([review("wendy-w", "APPROVED", repo.sha())]))  # not the board
    code, out = check(repo, "--reviews", str(reviews))
    assert code == 1 and errors(out) == ["E906"], out
    assert before_deletion


def test_a_huge_article_in_git_is_refused_by_its_size_not_read_whole(repo: InProcess):
    repo.write("pump-question", article_text())
    repo.commit("add")
    repo.path("pump-question").write_bytes(repo.path("pump-question").read_bytes() + b"x" * (3 * 1024 * 1024))
    repo.commit("three megabytes")
    code, out = check(repo)
    assert code == 1 and f"{ARTICLE}:1:1: E102" in out, out


def test_a_merge_whose_first_parent_is_an_old_main_commit(repo: InProcess):
    """The head is a merge of an old main commit (first parent) and the branch: the commit
    walk sees no change against that first parent, the net change sees the laundering."""
    approved, _ = approved_then_withdrawn_on_main(repo)
    repo.write("other-question", article_text(slug="other-question"))
    branch_head = repo.commit("an honest new article on the branch")
    repo.git("checkout", "-q", "--detach", approved)
    repo.git("checkout", branch_head, "--", "content/articles/other-question.md")
    repo.merge_tree("merge the branch into an old main commit", branch_head)
    code, out = check(repo, "--approvers", "bram-b")
    assert code == 1 and "E903" in codes(out), out
    assert f"{ARTICLE}:11:1: E903" in out


def test_a_merge_of_an_unrelated_history_carrying_an_approved_article(repo: InProcess):
    repo.git("checkout", "-q", "--orphan", "stranger")
    repo.git("rm", "-q", "-r", "--cached", ".")
    for path in list((repo.root / "content" / "articles").glob("*.md")):
        path.unlink()
    repo.write(
        "pump-question",
        article_text(
            status="approved",
            reviews="[{reviewer: bram-board, decision: approved, date: 2024-06-01, digest: 'sha256:" + "0" * 64 + "'}]",
            extra="next_review: 2025-01-01\n",
        ),
    )
    repo.git("add", "content/articles/pump-question.md")
    root = repo.commit("an unrelated history")
    repo.git("checkout", "-q", "-f", "pr")
    repo.git("merge", "-q", "--no-edit", "--allow-unrelated-histories", "stranger")
    code, out = check(repo, "--approvers", "bram-b")
    assert code == 1, out
    assert f"{ARTICLE}:10:1: E901" in out and f"[commit {root}]" in out


def test_a_policy_change_needs_a_board_member(repo: InProcess, tmp_path: Path):
    """mkdocs.yml is owned by the maintainers, but its editorial policy decides what is
    published: lowering the quorum needs the board, as content does (E916)."""
    config = repo.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("review_interval_days: 365", "review_interval_days: 1000"))
    repo.commit("review less often")
    code, out = check(repo)
    assert code == 1 and codes(out) == ["E916"], out
    assert re.search(
        r"^mkdocs\.yml:\d+:1: E916 this pull request changes the editorial policy \(review_interval_days\)", out, re.M
    ), out
    code, out = check(repo, "--approvers", "wendy-w")
    assert code == 1 and codes(out) == ["E916"]
    code, out = check(repo, "--approvers", "bram-b")
    assert code == 0, out
    reviews = tmp_path / "reviews.json"
    reviews.write_text(json.dumps([review("bram-b", "APPROVED", repo.sha())]))
    assert check(repo, "--reviews", str(reviews))[0] == 0
    config.write_text(config.read_text().replace("review_interval_days: 1000", "review_interval_days: 900"))
    repo.commit("and again, after the approval")
    code, out = check(repo, "--reviews", str(reviews))
    assert code == 1 and "were not given on mkdocs.yml as it is at the head" in out, out


def test_a_change_elsewhere_in_mkdocs_yml_is_the_maintainers_alone(repo: InProcess):
    config = repo.root / "mkdocs.yml"
    config.write_text("site_description: A calmer description.\n" + config.read_text())
    repo.commit("describe the site")
    code, out = check(repo)
    assert code == 0, out


def test_an_author_never_approves_alone_what_readers_see_in_her_answer(repo: InProcess):
    """An image that an article shows is part of what readers read there: a change to it needs a
    board member who is an author of none of the articles that show it."""
    repo.write(
        "pump-question",
        article_text(authors="[ada-both]").replace(
            "The answer, in our own words.", "The answer, in our own words.\n\n![The chart](img/dose-chart.png)"
        ),
    )
    figure = repo.root / "content" / "articles" / "img" / "dose-chart.png"
    figure.parent.mkdir(parents=True)
    figure.write_bytes(b"\x89PNG\r\n\x1a\n the first chart")
    repo.commit("an article by a board member, with its chart")
    repo.on_main()
    figure.write_bytes(b"\x89PNG\r\n\x1a\n another dose on the chart")
    repo.commit("the author changes the chart")
    code, out = check(repo, "--approvers", "ada-b")
    assert code == 1 and codes(out) == ["E912"], out
    assert "content/articles/img/dose-chart.png:1:1: E912" in out
    assert "shown by content/articles/pump-question.md, and the only board approval is by ada-both, an author" in out
    code, out = check(repo, "--approvers", "ada-b,cora-b")  # another board member approves: it stands
    assert code == 0, out
    code, out = check(repo, "--approvers", "cora-b")
    assert code == 0, out
