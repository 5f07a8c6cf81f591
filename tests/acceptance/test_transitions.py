"""`editorial check-transitions` judges real git histories, commit by commit.

Every test builds a real repository in tmp_path, commits a pull request's history
on a branch, and runs the real command (its `main`, in this process) against `--base main`. The people and
articles are fictional test data."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from support.cli import run_cli, run_editorial
from support.repo import CONFIG, REGISTRY, Repo, article_text

pytestmark = pytest.mark.git


def codes(output: str) -> list[str]:
    return re.findall(r": (E9\d\d|W9\d\d) ", output)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


def approved_on_main(repo: Repo, name: str = "pump-question") -> None:
    """An article that went through the whole workflow and was merged."""
    repo.write(name, article_text(name))
    repo.commit("add")
    assert repo.editorial("start-review", repo.path(name))[0] == 0
    repo.commit("start review")
    assert (
        repo.editorial(
            "review", repo.path(name), "--reviewer", "bram-board", "--decision", "approved", "--date", "2024-06-01"
        )[0]
        == 0
    )
    repo.commit("approve")
    repo.on_main()


# -- the histories of the issue, one test each -------------------------------------
def test_full_single_pr_flow_passes_and_approvers_confirm(repo: Repo):
    repo.write("pump-question", article_text())
    repo.commit("add article")
    assert repo.editorial("start-review", repo.path("pump-question"))[0] == 0
    repo.commit("start review")
    code, out, err = repo.editorial(
        "review",
        repo.path("pump-question"),
        "--reviewer",
        "bram-board",
        "--decision",
        "approved",
        "--date",
        "2024-06-01",
    )
    assert code == 0, err
    assert "review_status: approved" in repo.path("pump-question").read_text()
    repo.commit("approve")

    code, out, err = repo.check("--approvers", "bram-b,someone-else")
    assert code == 0, out + err
    assert "0 error(s)" in out and "1 file(s) checked" in out
    assert "approver check skipped" not in out
    # without --approvers the same history passes, and says what it did not check
    code, out, _ = repo.check()
    assert code == 0 and "note: approver check skipped" in out


def test_new_article_committed_as_approved_fails(repo: Repo):
    repo.write("pump-question", article_text(status="approved", extra="next_review: 2025-01-01\n"))
    sha = repo.commit("add approved")
    code, out, _ = repo.check()
    assert code == 1
    assert codes(out) == ["E901"]
    assert "content/articles/pump-question.md:10:1: E901" in out and f"[commit {sha}]" in out


def test_submitted_to_approved_in_one_commit_fails(repo: Repo):
    repo.write("pump-question", article_text())
    repo.commit("add")
    record = repo.record("pump-question", "bram-board")
    repo.write("pump-question", article_text(status="approved", reviews=record, extra="next_review: 2025-01-01\n"))
    sha = repo.commit("approve at once")
    code, out, _ = repo.check("--approvers", "bram-b")
    assert code == 1
    assert "E902" in codes(out) and "jumped from `submitted` to `approved`" in out
    assert f"[commit {sha}]" in out


def test_edit_after_approval_that_stays_approved_fails(repo: Repo):
    approved_on_main(repo)
    text = repo.path("pump-question").read_text()
    repo.write("pump-question", text.replace("The answer, in our own words.", "A changed answer."))
    sha = repo.commit("edit wording")
    code, out, _ = repo.check()
    assert code == 1
    assert codes(out) == ["E905"]
    assert "pump-question.md:10:1: E905" in out and f"[commit {sha}]" in out


def test_same_edit_moving_to_under_review_passes(repo: Repo):
    approved_on_main(repo)
    text = repo.path("pump-question").read_text()
    repo.write(
        "pump-question",
        text.replace("The answer, in our own words.", "A changed answer.").replace(
            "review_status: approved", "review_status: under_review"
        ),
    )
    repo.commit("edit wording, back to review")
    code, out, err = repo.check()
    assert code == 0, out + err
    assert "1 file(s) checked: 0 error(s)" in out


def test_removed_review_record_fails(repo: Repo):
    approved_on_main(repo)
    text = repo.path("pump-question").read_text()
    start = text.index("reviews:")
    end = text.index("next_review:")
    repo.write("pump-question", text[:start] + "reviews: []\n" + text[end:])
    repo.commit("drop the log")
    code, out, _ = repo.check()
    assert code == 1 and "E903" in codes(out) and "was removed" in out


def test_edited_review_record_fails(repo: Repo):
    approved_on_main(repo)
    text = repo.path("pump-question").read_text()
    repo.write("pump-question", text.replace("date: 2024-06-01", "date: 2024-06-02"))
    repo.commit("touch the record")
    code, out, _ = repo.check()
    assert code == 1 and codes(out) == ["E903"] and "was edited" in out
    assert "pump-question.md:12:5: E903" in out  # the record's own line


def _approve_by_hand(repo: Repo, reviewer: str, authors: str = "[wendy-writer]") -> tuple[int, str]:
    repo.write("pump-question", article_text(authors=authors))
    repo.commit("add")
    repo.write("pump-question", article_text(authors=authors, status="under_review"))
    repo.commit("start review")
    record = repo.record("pump-question", reviewer)
    repo.write(
        "pump-question",
        article_text(authors=authors, status="approved", reviews=record, extra="next_review: 2025-01-01\n"),
    )
    repo.commit("approve by hand")
    code, out, _ = repo.check()
    return code, out


def test_self_approval_fails(repo: Repo):
    code, out = _approve_by_hand(repo, "ada-both", authors="[ada-both]")
    assert code == 1
    assert "E909" in codes(out) and "is an author of this article" in out
    assert "E908" in codes(out)


def test_approval_by_a_writer_fails(repo: Repo):
    code, out = _approve_by_hand(repo, "wendy-writer", authors="[ada-both]")
    assert code == 1
    assert "E909" in codes(out) and "not a Medical Advisory Board member" in out
    assert "E908" in codes(out)


def test_approval_by_a_board_member_whose_until_has_passed_fails(repo: Repo):
    code, out = _approve_by_hand(repo, "olga-former")
    assert code == 1
    assert "E909" in codes(out) and "was not on the board on 2024-06-01" in out
    assert "E908" in codes(out)


def test_approver_missing_from_approvers_fails(repo: Repo):
    repo.write("pump-question", article_text())
    repo.commit("add")
    repo.editorial("start-review", repo.path("pump-question"))
    repo.commit("start")
    repo.editorial(
        "review",
        repo.path("pump-question"),
        "--reviewer",
        "bram-board",
        "--decision",
        "approved",
        "--date",
        "2024-06-01",
    )
    sha = repo.commit("approve")
    code, out, _ = repo.check("--approvers", "cora-b,wendy-w")
    assert code == 1
    assert codes(out) == ["E907"] and "`bram-b`" in out and f"[commit {sha}]" in out
    code, _, _ = repo.check("--approvers", "BRAM-B")  # logins compare case-insensitively
    assert code == 0


def test_changed_id_fails(repo: Repo):
    repo.write("pump-question", article_text())
    repo.commit("add")
    repo.write("pump-question", article_text(slug="pump-question-2").replace("id: pump-question-2", "id: another-id"))
    repo.commit("rename the id")
    code, out, _ = repo.check()
    assert code == 1 and codes(out) == ["E904"]
    assert "pump-question.md:2:1: E904" in out and "`pump-question` to `another-id`" in out


def test_pure_rename_of_an_approved_article_keeps_its_approval_with_the_boards_consent(repo: Repo):
    approved_on_main(repo)
    (repo.root / "content" / "articles" / "anesthesia").mkdir()
    repo.git("mv", "content/articles/pump-question.md", "content/articles/anesthesia/pump-refill.md")
    repo.commit("move into a folder")
    code, out, err = repo.check("--approvers", "nobody")
    assert code == 1 and codes(out) == ["E906"], out + err  # its address changes: the board says yes
    code, out, err = repo.check("--approvers", "nobody,bram-b")
    assert code == 0, out + err
    assert "1 file(s) checked: 0 error(s)" in out  # the approval of its text still stands


def test_changes_requested_passes(repo: Repo):
    repo.write("pump-question", article_text())
    repo.commit("add")
    repo.editorial("start-review", repo.path("pump-question"))
    repo.commit("start")
    code, out, err = repo.editorial(
        "review",
        repo.path("pump-question"),
        "--reviewer",
        "cora-board",
        "--decision",
        "changes_requested",
        "--date",
        "2024-06-01",
        "--note",
        "Cite the guideline.",
    )
    assert code == 0, err
    text = repo.path("pump-question").read_text()
    assert "review_status: submitted" in text and "decision: changes_requested" in text
    repo.commit("changes requested")
    code, out, err = repo.check("--approvers", "cora-b")
    assert code == 0, out + err


def test_two_approvals_needed_one_cannot_approve(tmp_path: Path):
    repo = Repo(tmp_path / "repo", min_approvals=2)
    repo.write("pump-question", article_text())
    repo.commit("add")
    repo.write("pump-question", article_text(status="under_review"))
    repo.commit("start")
    record = repo.record("pump-question", "bram-board")
    repo.write("pump-question", article_text(status="approved", reviews=record, extra="next_review: 2025-01-01\n"))
    repo.commit("approved with one")
    code, out, _ = repo.check()
    assert code == 1 and codes(out) == ["E908"] and "the policy needs 2" in out
    # ...and the review command itself keeps it under review until the second approval
    repo.write("pump-question", article_text(status="under_review"))
    repo.editorial(
        "review",
        repo.path("pump-question"),
        "--reviewer",
        "bram-board",
        "--decision",
        "approved",
        "--date",
        "2024-06-01",
    )
    assert "review_status: under_review" in repo.path("pump-question").read_text()
    repo.editorial(
        "review",
        repo.path("pump-question"),
        "--reviewer",
        "cora-board",
        "--decision",
        "approved",
        "--date",
        "2024-06-02",
    )
    text = repo.path("pump-question").read_text()
    assert "review_status: approved" in text and "next_review: 2025-06-02" in text


# -- more of the rules --------------------------------------------------------------
def test_deleting_an_approved_article_needs_a_board_approver(repo: Repo):
    approved_on_main(repo)
    repo.path("pump-question").unlink()
    repo.commit("delete")
    code, out, _ = repo.check("--approvers", "wendy-w")
    assert code == 1 and codes(out) == ["E906"]
    code, out, _ = repo.check()
    assert code == 1 and codes(out) == ["E906"]
    code, out, _ = repo.check("--approvers", "wendy-w,cora-b")
    assert code == 0, out


def test_registry_change_in_the_same_pr_cannot_make_a_writer_an_approver(repo: Repo):
    registry = repo.root / "content" / "people.yml"
    registry.write_text(
        REGISTRY.replace("roles: [writer]\n    github: wendy-w", "roles: [writer, board]\n    github: wendy-w")
    )
    code, out = _approve_by_hand(repo, "wendy-writer", authors="[ada-both]")
    assert code == 1
    assert "E908" in codes(out) and "base branch" in out


def test_a_status_jump_hidden_in_a_broken_commit_is_still_found(repo: Repo):
    repo.write("pump-question", article_text())
    repo.commit("add")
    repo.write("pump-question", article_text().replace("title: A", "title: [A"))  # unreadable YAML
    repo.commit("broken")
    repo.write("pump-question", article_text(status="approved", extra="next_review: 2025-01-01\n"))
    repo.commit("fixed, and approved")
    code, out, _ = repo.check()
    assert code == 1
    assert "W900" in codes(out) and "E902" in codes(out)


def test_merge_of_main_into_the_branch_is_judged_and_says_so(repo: Repo):
    repo.write("pump-question", article_text())
    repo.commit("add on the branch")
    repo.git("checkout", "-q", "main")  # meanwhile another article is approved on main
    repo.write("other-question", article_text(slug="other-question"))
    repo.commit("another article on main")
    repo.editorial("start-review", repo.path("other-question"))
    repo.commit("start")
    repo.editorial(
        "review",
        repo.path("other-question"),
        "--reviewer",
        "cora-board",
        "--decision",
        "approved",
        "--date",
        "2024-06-01",
    )
    repo.commit("approve on main")
    repo.git("checkout", "-q", "pr")
    repo.git("merge", "-q", "--no-edit", "main")
    code, out, err = repo.check()
    # against its first parent the merge "adds" an approved article; it came unchanged from main
    assert code == 0, out + err
    assert "is a merge: judged against its first parent" in out and "1 article file(s) taken unchanged" in out


def test_branch_behind_main_is_judged_on_the_merge_commit_as_the_pr_workflow_does(repo: Repo):
    """pr.yml checks out GitHub's refs/pull/N/merge and runs --base HEAD^1 --head HEAD."""
    repo.write("pump-question", article_text())
    repo.commit("add on the branch")
    repo.git("checkout", "-q", "main")  # main moves on after the branch left it
    repo.write("other-question", article_text(slug="other-question"))
    repo.commit("another article on main")
    repo.git("checkout", "-q", "-b", "merge-ref")
    repo.git("merge", "-q", "--no-ff", "--no-edit", "pr")  # what GitHub builds: first parent = main
    code, out, err = repo.editorial("check-transitions", "--base", "HEAD^1", "--head", "HEAD", "--approvers", "")
    assert code == 0, out + err
    repo.git("checkout", "-q", "pr")  # and a violation on the branch is still found through the merge
    repo.write("pump-question", article_text(status="approved"))
    repo.commit("approve by hand")
    repo.git("checkout", "-q", "-B", "merge-ref", "main")
    repo.git("merge", "-q", "--no-ff", "--no-edit", "pr")
    code, out, err = repo.editorial("check-transitions", "--base", "HEAD^1", "--head", "HEAD")
    assert code == 1 and "E902" in out, out + err


def test_merge_that_changes_an_article_itself_is_judged(repo: Repo):
    repo.write("pump-question", article_text())
    repo.commit("add on the branch")
    repo.git("checkout", "-q", "main")
    (repo.root / "content" / "index.md").write_text("# Home, edited on main\n")
    repo.commit("unrelated change on main")
    repo.git("checkout", "-q", "pr")
    repo.git("merge", "-q", "--no-commit", "main")
    repo.write("pump-question", article_text(status="approved", extra="next_review: 2025-01-01\n"))
    sha = repo.commit("evil merge")
    code, out, _ = repo.check()
    assert code == 1 and codes(out) == ["E902"] and f"[commit {sha}]" in out


def test_json_and_github_formats_name_the_commit(repo: Repo):
    repo.write("pump-question", article_text(status="under_review"))
    sha = repo.commit("add under review")
    code, out, err = repo.check("--format", "json")
    assert code == 1 and "note: approver check skipped" in err
    items = json.loads(out)
    assert [(i["code"], i["commit"], i["line"]) for i in items] == [("E901", sha, 10)]
    code, out, _ = repo.check("--format", "github")
    assert code == 1 and out.startswith(
        "::error file=content/articles/pump-question.md,line=10,col=1,title=E901 a new article is not `submitted`%2C "
        f"or already has reviews (commit {sha})::"
    )


# -- the command cannot run: exit 2, never a pass -----------------------------------
def test_unknown_base_is_exit_2(repo: Repo):
    code, out, err = repo.editorial("check-transitions", "--base", "origin/does-not-exist")
    assert code == 2 and "is not a commit" in err and "Traceback" not in err


def test_shallow_clone_missing_the_base_is_exit_2(repo: Repo, tmp_path: Path):
    approved_on_main(repo)
    for n in range(3):
        repo.write("pump-question", article_text(status="under_review", body=f"Revision {n}."))
        repo.commit(f"revision {n}")
    base = repo.git("rev-parse", "main").strip()
    branch = repo.git("rev-parse", "--abbrev-ref", "HEAD").strip()
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", "--branch", branch, f"file://{repo.root}", str(clone)], check=True
    )
    code, out, err = run_cli("check-transitions", "--base", base, cwd=clone)
    assert code == 2 and "shallow" in err and "fetch-depth: 0" in err


def test_not_a_git_repository_is_exit_2(tmp_path: Path):
    """A smoke test of the process itself (the others run the command in this process)."""
    (tmp_path / "mkdocs.yml").write_text(CONFIG.format(min_approvals=1))
    code, out, err = run_editorial("check-transitions", "--base", "main", cwd=tmp_path)
    assert code == 2 and "git" in err and "Traceback" not in err


def test_project_in_a_folder_of_a_larger_repository(tmp_path: Path):
    """Paths are the project's (content/articles/...), not the repository's."""
    outer = tmp_path / "monorepo"
    site = outer / "docs-site"
    (site / "content" / "articles").mkdir(parents=True)
    (site / "mkdocs.yml").write_text(CONFIG.format(min_approvals=1))
    (site / "content" / "people.yml").write_text(REGISTRY)
    repo = Repo.__new__(Repo)  # the helper's git and commit, on the outer repository
    repo.root = outer
    repo.git("init", "-q", "-b", "main")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "pr")
    (site / "content" / "articles" / "pump-question.md").write_text(
        article_text(status="approved", extra="next_review: 2025-01-01\n")
    )
    sha = repo.commit("add approved")
    code, out, _ = run_cli("check-transitions", "--base", "main", cwd=site)
    assert code == 1 and codes(out) == ["E901"]
    assert out.startswith("content/articles/pump-question.md:10:1: E901") and sha in out


def test_a_record_backdated_into_a_former_members_term_is_not_confirmed(repo: Repo):
    repo.write("pump-question", article_text())
    repo.commit("add")
    repo.write("pump-question", article_text(status="under_review"))
    repo.commit("start review")
    record = repo.record("pump-question", "olga-former", date="2020-06-01")  # inside her 2020 term
    repo.write("pump-question", article_text(status="approved", reviews=record, extra="next_review: 2021-06-01\n"))
    sha = repo.commit("approve with a backdated record")
    code, out, _ = repo.check("--approvers", "olga-f")
    assert code == 1 and codes(out) == ["E907"] and "not on the board today" in out and sha in out


def _revised_on_main(repo: Repo) -> str:
    """The approved article, revised on main (back `under_review`, new text): its text before."""
    approved_on_main(repo)
    approved = repo.path("pump-question").read_text()
    repo.path("pump-question").write_text(
        approved.replace("review_status: approved", "review_status: under_review").replace(
            "The answer, in our own words.", "The answer, revised for a new guideline."
        )
    )
    repo.commit("revise for the new guideline")
    repo.on_main()
    return approved


def test_an_approval_of_a_text_the_article_left_does_not_come_back_with_the_text(repo: Repo):
    """Revised on main; a pull request puts the old text and `approved` back. The old record
    is of exactly that text, but the board moved past it: only approvals given in the pull
    request that approves an article count, whatever the reviews on GitHub say."""
    approved = _revised_on_main(repo)
    repo.path("pump-question").write_text(approved)
    repo.commit("put the approved text back")
    code, out, _ = repo.check()
    assert code == 1 and codes(out) == ["E908"], out
    assert "bram-board were recorded before this pull request" in out and "ask them to approve again" in out


def test_an_old_approval_does_not_count_when_the_text_came_back_in_an_earlier_pull_request(repo: Repo):
    approved = _revised_on_main(repo)
    repo.path("pump-question").write_text(approved.replace("review_status: approved", "review_status: under_review"))
    repo.commit("the old text back, in review")
    assert repo.check()[0] == 0  # a text change in review: nothing to approve yet
    repo.on_main()
    repo.path("pump-question").write_text(approved)
    repo.commit("approved, on the old record")
    code, out, _ = repo.check()
    assert code == 1 and codes(out) == ["E908"], out
    # a new approval of that text, given in this pull request, approves it
    text = repo.path("pump-question").read_text()
    assert "next_review:" in text  # the log ends just above it
    cora = repo.record("pump-question", "cora-board", date="2024-07-01")
    repo.path("pump-question").write_text(text.replace("next_review:", cora + "\nnext_review:", 1))
    repo.commit("cora approves")
    code, out, _ = repo.check()
    assert code == 0, out


def test_moving_an_approved_article_to_another_address_needs_a_board_approver(repo: Repo):
    """The file name is the page's address, which the digest does not cover."""
    approved_on_main(repo)
    repo.git("mv", "content/articles/pump-question.md", "content/articles/stop-all-antibiotics-first.md")
    repo.commit("rename")
    code, out, _ = repo.check("--approvers", "wendy-w")
    assert code == 1 and codes(out) == ["E906"], out
    assert "moved from content/articles/pump-question.md to content/articles/stop-all-antibiotics-first.md" in out
    code, out, _ = repo.check("--approvers", "wendy-w,cora-b")
    assert code == 0, out
