"""GitHub's review is the approval, bound to the text it saw (`record-reviews`, `check-transitions --reviews`).

Real git repositories; review lists shaped exactly like GitHub's "list reviews for a pull
request" response; the real commands, run in-process. The people and articles are
fictional test data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.gitrepos import codes, errors, review
from support.pull_request import ARTICLE, PullRequest

pytestmark = pytest.mark.git


@pytest.fixture
def pr(tmp_path: Path) -> PullRequest:
    return PullRequest(tmp_path)


def test_an_approval_at_the_head_is_recorded_and_confirmed(pr: PullRequest):
    item = pr.add(
        "bram-b", "APPROVED", when="2024-06-01T23:30:00-02:00", body="Reads well; the dose matches the guideline."
    )
    before = pr.commits()
    code, out, err = pr.record()
    assert code == 0, err
    assert out.splitlines() == [
        f"{ARTICLE}: approved by bram-board (bram-b, {item['html_url']}) recorded; review_status under_review -> "
        "approved"
    ]
    text = pr.text()
    digest = pr.repo.digest("pump-question")
    commit = item["commit_id"] if item["commit_id"][0].isalpha() else f'"{item["commit_id"]}"'  # YAML: not a number
    # the review's UTC date (23:30 at UTC-2 is the next day in UTC), and next_review a policy interval later;
    # the signature: what it attests (the policy's words), the name that day, the time in UTC, the commit, the review
    assert (
        "reviews:\n  - reviewer: bram-board\n    decision: approved\n    date: 2024-06-02\n"
        f'    digest: {digest}\n    note: "Reads well; the dose matches the guideline."\n'
        '    meaning: "Reviewed for medical accuracy against the cited sources"\n    name: "Bram Board"\n'
        f'    at: "2024-06-02T01:30:00Z"\n    commit: {commit}\n    review: "{item["html_url"]}"\n'
        "next_review: 2025-06-02\n"
    ) in text
    assert "review_status: approved" in text
    assert pr.commits() == before + 1
    message = pr.repo.git("log", "-1", "--format=%B")
    assert item["html_url"] in message and "under_review -> approved" in message
    assert pr.repo.git("status", "--porcelain").strip() == ""
    code, out = pr.check()
    assert code == 0, out


def test_the_check_warns_while_a_board_approval_is_not_recorded(pr: PullRequest):
    item = pr.add("bram-b", "APPROVED")
    code, out = pr.check()
    assert code == 0, out
    assert (
        f"{ARTICLE}:10:1: W910 warning: `bram-b` (bram-board) approved this text on GitHub ({item['html_url']}), but "
        "the article has no record of it yet" in out
    )
    assert pr.record()[0] == 0
    code, out = pr.check()
    assert code == 0 and "W910" not in out, out


def test_a_submitted_article_first_moves_to_under_review_in_a_commit_of_its_own(tmp_path: Path):
    pr = PullRequest(tmp_path, start=False)
    pr.add("bram-b", "APPROVED")
    before = pr.commits()
    code, out, err = pr.record()
    assert code == 0, err
    assert pr.commits() == before + 2
    assert (
        pr.repo.git("log", "-1", "--format=%s", "HEAD^").strip()
        == f"Start the review of {ARTICLE}: submitted -> under_review"
    )
    assert "review_status submitted -> approved" in out
    code, out = pr.check()
    assert code == 0, out


def test_an_approval_of_an_older_text_writes_nothing_and_a_hand_made_record_fails(pr: PullRequest):
    older = pr.head
    pr.add("bram-b", "APPROVED", commit=older)
    pr.edit()
    pr.repo.commit("the writer changes the answer after the approval")
    before = pr.text()
    code, out, err = pr.record()
    assert code == 0 and out == "", out + err
    assert "where the text differs from the head: no record written" in err
    assert pr.text() == before
    # a record made by hand for the current text is not confirmed by that approval
    assert (
        pr.repo.editorial(
            "review",
            pr.repo.path("pump-question"),
            "--reviewer",
            "bram-board",
            "--decision",
            "approved",
            "--date",
            "2024-06-01",
        )[0]
        == 0
    )
    sha = pr.repo.commit("a record by hand")
    code, out = pr.check()
    assert code == 1, out
    assert codes(out) == ["E907"]
    assert (
        f"{ARTICLE}:12:5: E907 review record by `bram-board` is not confirmed: `bram-b` approved commit {older[:10]}"
        in out
    )
    assert f"[commit {sha}]" in out


def test_approve_then_the_writer_edits_then_approve_again(pr: PullRequest):
    pr.add("bram-b", "APPROVED", when="2024-06-01T10:00:00Z")
    assert pr.record()[0] == 0
    assert "review_status: approved" in pr.text()
    code, out, err = pr.repo.editorial("start-review", pr.repo.path("pump-question"))
    assert code == 0 and "approved -> under_review" in out and "next_review" not in pr.text(), err
    pr.edit()
    pr.repo.commit("revise after the approval")
    code, out, err = pr.record()
    assert code == 0 and out == "", out + err  # the first approval covered the first text only
    code, out = pr.check()
    assert code == 0, out
    pr.add("bram-b", "APPROVED", when="2024-06-03T09:00:00Z")
    code, out, err = pr.record()
    assert code == 0 and "review_status under_review -> approved" in out, err
    text = pr.text()
    assert text.count("reviewer: bram-board") == 2 and "date: 2024-06-03" in text and "next_review: 2025-06-03" in text
    code, out = pr.check()
    assert code == 0, out


@pytest.mark.parametrize("login", ["wendy-w", "someone-else", "olga-f"])
def test_an_approval_by_someone_not_on_the_board_writes_nothing(pr: PullRequest, login: str):
    pr.add(login, "APPROVED")
    before = pr.text()
    code, out, err = pr.record()
    assert code == 0 and out == "" and "nothing written" in err
    assert pr.text() == before


def test_an_author_on_the_board_cannot_approve_their_own_article(tmp_path: Path):
    pr = PullRequest(tmp_path, authors="[ada-both]")
    pr.add("ada-b", "APPROVED")
    before = pr.text()
    code, out, err = pr.record()
    assert code == 0 and out == ""
    assert pr.text() == before
    pr.add("cora-b", "APPROVED")
    code, out, err = pr.record()
    assert code == 0 and "approved by cora-board" in out and "ada-both" not in pr.text().split("reviews:")[1]


def test_a_dismissed_approval_is_not_recorded_and_voids_a_recorded_one(pr: PullRequest):
    item = pr.add("bram-b", "APPROVED")
    assert pr.record()[0] == 0
    assert pr.check()[0] == 0
    item["state"] = "DISMISSED"  # GitHub changes a dismissed review's own state
    pr.file.write_text(json.dumps(pr.reviews))
    code, out = pr.check()
    assert code == 1 and codes(out) == ["E907"], out
    assert f"the latest review by `bram-b` on GitHub was dismissed ({item['html_url']})" in out
    # the approval was dismissed before it was recorded: nothing is written
    fresh = PullRequest(pr.repo.root.parent / "second")
    first = fresh.add("bram-b", "APPROVED", when="2024-06-01T10:00:00Z")
    first["state"] = "DISMISSED"
    fresh.file.write_text(json.dumps(fresh.reviews))
    before = fresh.text()
    code, out, err = fresh.record()
    assert code == 0 and out == "" and fresh.text() == before


def test_a_quorum_of_two_in_two_runs(tmp_path: Path):
    pr = PullRequest(tmp_path, min_approvals=2)
    pr.add("bram-b", "APPROVED", when="2024-06-01T10:00:00Z")
    code, out, err = pr.record()
    assert code == 0 and out.count("recorded") == 1 and "review_status" not in out, out
    assert "review_status: under_review" in pr.text()
    assert pr.check()[0] == 0
    pr.add("cora-b", "APPROVED", when="2024-06-02T10:00:00Z")  # on the new head, after the bot's commit
    code, out, err = pr.record()
    assert code == 0 and out.splitlines()[-1].endswith("review_status under_review -> approved"), out
    text = pr.text()
    assert text.count("decision: approved") == 2 and "next_review: 2025-06-02" in text
    code, out = pr.check()
    assert code == 0, out


def test_changes_requested_then_approved_after_revision_by_another_member(pr: PullRequest):
    pr.add("cora-b", "CHANGES_REQUESTED", body="Please cite the 2021 guideline.\n\nAnd the dose.")
    code, out, err = pr.record()
    assert code == 0 and "changes_requested by cora-board" in out and "under_review -> submitted" in out, err
    text = pr.text()
    assert 'note: "Please cite the 2021 guideline. And the dose."' in text and "review_status: submitted" in text
    assert pr.check()[0] == 0
    # the writer revises and starts the review again
    pr.edit()
    pr.repo.commit("revise")
    assert pr.repo.editorial("start-review", pr.repo.path("pump-question"))[0] == 0
    pr.repo.commit("start the review again")
    pr.add("bram-b", "APPROVED", when="2024-06-03T10:00:00Z")
    code, out, err = pr.record()
    assert code == 0 and "approved by bram-board" in out and "under_review -> approved" in out, err
    assert "cora-board" not in out  # her standing request was about the old text, and is recorded already
    code, out = pr.check()
    assert code == 0, out  # cora's request never blocks the others' approval of the new text
    # ...and cora approves the revision too: her approval is added, the article stays approved
    pr.add("cora-b", "APPROVED", when="2024-06-04T10:00:00Z")
    code, out, err = pr.record()
    assert code == 0 and "approved by cora-board" in out and "review_status" not in out, err
    assert pr.text().count("decision: approved") == 2 and "review_status: approved" in pr.text()
    code, out = pr.check()
    assert code == 0, out


def test_a_request_for_changes_of_an_approved_text_sends_it_back(pr: PullRequest):
    pr.add("bram-b", "APPROVED", when="2024-06-01T10:00:00Z")
    assert pr.record()[0] == 0
    pr.add("cora-b", "CHANGES_REQUESTED", when="2024-06-02T10:00:00Z", body="Not yet.")
    before = pr.commits()
    code, out, err = pr.record()
    assert code == 0 and "review_status approved -> submitted" in out, err
    assert pr.commits() == before + 2  # approved -> under_review, then the record and -> submitted
    text = pr.text()
    assert "review_status: submitted" in text and "next_review" not in text
    code, out = pr.check()
    assert code == 0, out


@pytest.mark.parametrize("together", [True, False], ids=["one run", "two runs"])
def test_the_latest_decision_about_the_text_decides_however_the_runs_fall(tmp_path: Path, together: bool):
    pr = PullRequest(tmp_path)
    pr.add("cora-b", "CHANGES_REQUESTED", when="2024-06-01T10:00:00Z", body="Not convinced.")
    if not together:
        assert pr.record()[0] == 0
        assert "review_status: submitted" in pr.text()
    pr.add("bram-b", "APPROVED", when="2024-06-02T10:00:00Z")
    code, out, err = pr.record()
    assert code == 0, err
    assert "review_status: approved" in pr.text()  # cora's request does not block bram's later approval
    assert pr.text().count("reviewer:") == 2
    code, out = pr.check()
    assert code == 0, out


def test_a_second_run_writes_nothing(pr: PullRequest):
    pr.add("cora-b", "CHANGES_REQUESTED", when="2024-06-01T10:00:00Z", body="Cite it.")
    pr.add("bram-b", "APPROVED", when="2024-06-02T10:00:00Z")
    pr.add("bram-b", "COMMENTED", when="2024-06-02T11:00:00Z", body="A comment changes nothing.")
    assert pr.record()[0] == 0
    data, head = pr.repo.path("pump-question").read_bytes(), pr.head
    code, out, err = pr.record()
    assert code == 0 and out == "" and "nothing written" in err
    assert pr.repo.path("pump-question").read_bytes() == data and pr.head == head


def test_the_records_are_byte_preserving_edits(tmp_path: Path):
    pr = PullRequest(tmp_path, start=False)
    odd = (
        pr.text()
        .replace("review_status: submitted", "review_status: 'submitted'   # kept as written")
        .replace("reviews: []", "reviews: []  # append-only")
        .replace("\n", "\r\n")
    )
    pr.repo.path("pump-question").write_bytes(odd.encode())
    pr.repo.commit("CRLF and comments")
    pr.add("bram-b", "APPROVED")
    assert pr.record()[0] == 0
    data = pr.repo.path("pump-question").read_bytes()
    assert (
        b"review_status: 'approved'   # kept as written\r\n" in data
        and b"reviews:  # append-only\r\n  - reviewer: bram-board\r\n" in data
    )
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert pr.check()[0] == 0


@pytest.mark.parametrize(
    "content, message",
    [
        (b"{not json", "is not valid JSON"),
        (b'{"message": "Not Found"}', "not an array of reviews"),
        (b'[{"state": "APPROVED"}]', "item 1 has no `user`"),
        (
            b'[{"user": {"login": "bram-b"}, "state": "APPROVED", "commit_id": "HEAD~1", "submitted_at": '
            b'"2024-06-01T10:00:00Z"}]',
            "not a 40-digit commit id",
        ),
        (b"", "is empty"),
        (b"\xff\xfe[", "not UTF-8"),
    ],
)
def test_a_malformed_reviews_file_is_exit_2_in_one_line(pr: PullRequest, content: bytes, message: str):
    pr.file.write_bytes(content)
    before = pr.text()
    for command in ("record-reviews", "check-transitions"):
        code, out, err = pr.repo.editorial(command, "--base", "main", "--reviews", pr.file)
        assert code == 2, (command, out, err)
        assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err
    assert pr.text() == before


def test_a_missing_reviews_file_is_exit_2(pr: PullRequest):
    code, out, err = pr.repo.editorial("record-reviews", "--base", "main", "--reviews", pr.file.parent / "nope.json")
    assert code == 2 and "cannot read --reviews" in err


def test_pages_back_to_back_as_gh_paginate_prints_them(pr: PullRequest):
    first = review("cora-b", "COMMENTED", pr.head)
    second = review("bram-b", "APPROVED", pr.head)
    pr.file.write_text(json.dumps([first]) + "\n" + json.dumps([second]))
    code, out, err = pr.record()
    assert code == 0 and "approved by bram-board" in out, err


def test_a_record_by_hand_is_confirmed_only_by_that_members_approval(pr: PullRequest):
    pr.add("cora-b", "APPROVED")  # cora approved on GitHub, but the record says bram
    assert (
        pr.repo.editorial(
            "review",
            pr.repo.path("pump-question"),
            "--reviewer",
            "bram-board",
            "--decision",
            "approved",
            "--date",
            "2024-06-01",
        )[0]
        == 0
    )
    pr.repo.commit("bram's record, written by someone else")
    code, out = pr.check()
    assert code == 1 and errors(out) == ["E907"] and "`bram-b` has not approved the pull request on GitHub" in out


def test_record_reviews_refuses_a_dirty_file_and_another_head(pr: PullRequest):
    pr.add("bram-b", "APPROVED")
    pr.repo.path("pump-question").write_text(pr.text() + "\nAn unsaved edit.\n")
    code, out, err = pr.record()
    assert code == 2 and "uncommitted changes" in err
    pr.repo.git("checkout", "--", ARTICLE)
    code, out, err = pr.repo.editorial("record-reviews", "--base", "main", "--reviews", pr.file, "--head", "main")
    assert code == 2 and "not the checked-out commit" in err


def test_a_planted_link_beside_the_article_is_never_written_through(pr: PullRequest, tmp_path: Path):
    import os

    outside = tmp_path / "outside.txt"
    outside.write_text("untouched\n")
    folder = pr.repo.path("pump-question").parent
    for name in (".pump-question.md.editorial-tmp", ".editorial-tmp"):
        os.symlink(outside, folder / name)
    pr.repo.path("pump-question").chmod(0o644)
    pr.add("bram-b", "APPROVED")
    code, out, err = pr.record()
    assert code == 0 and "recorded" in out, err
    assert outside.read_text() == "untouched\n"
    assert pr.repo.path("pump-question").stat().st_mode & 0o777 == 0o644
    assert "review_status: approved" in pr.text()


def test_a_text_that_comes_back_is_approved_by_a_new_approval_not_by_the_old_record(tmp_path: Path):
    """Approved, then revised on main; a pull request brings the approved text back. Bram's old
    record of that text approves nothing here: his approval in this pull request is recorded
    again, and that one moves the article to `approved`."""
    pr = PullRequest(tmp_path)
    pr.add("bram-b", "APPROVED")
    assert pr.record()[0] == 0 and "review_status: approved" in pr.text()
    pr.repo.on_main()
    approved = pr.text()
    pr.repo.write(
        "pump-question",
        approved.replace("review_status: approved", "review_status: under_review").replace(
            "The answer, in our own words.", "A revised answer."
        ),
    )
    pr.repo.commit("revise")
    pr.repo.on_main()
    pr.repo.write("pump-question", approved.replace("review_status: approved", "review_status: under_review"))
    pr.repo.commit("the approved text back")
    pr.reviews.clear()
    pr.add("bram-b", "APPROVED", when="2024-06-03T10:00:00Z")
    code, out, err = pr.record()
    assert code == 0 and out.splitlines()[-1].endswith("review_status under_review -> approved"), out + err
    assert pr.text().count("reviewer: bram-board") == 2
    code, out = pr.check()
    assert code == 0, out


# -- what the bot writes is always valid, and dated as GitHub dates it ------------------------


@pytest.mark.parametrize(
    ("body", "note"),
    [
        (
            "See <https://doi.org/10.1007/s00134-021-06506-y> &mdash; fine",
            "See https://doi.org/10.1007/s00134-021-06506-y — fine",
        ),
        ("**Bold** and <b>tags</b> &amp;lt;i&amp;gt;", "**Bold** and tags"),
        ("dose 1\u202e05\u202c mg, ok\u200b", "dose 105 mg, ok"),
        ("x &amp; y < 5 <a", "x & y < 5 < a"),
    ],
)
def test_a_comment_with_markup_is_recorded_as_plain_text_that_validates(pr: PullRequest, body: str, note: str):
    from editorial.core.loader import load_article

    pr.add("bram-b", "APPROVED", body=body)
    code, _, err = pr.record()
    assert code == 0, err
    written, _ = load_article(ARTICLE, pr.text().encode())
    assert written is not None and [r.note for r in written.reviews] == [note]
    _, out, err = pr.repo.editorial("validate", pr.repo.path("pump-question"))
    assert not {"E804", "E805", "E106"} & set(codes(out)), out  # the record is valid front matter
    code, out = pr.check()
    assert code == 0, out


def test_a_record_dated_another_day_than_its_review_on_github_is_refused(pr: PullRequest):
    pr.add("bram-b", "APPROVED", when="2024-06-01T10:00:00Z")
    assert pr.record()[0] == 0
    pr.repo.write("pump-question", pr.text().replace("date: 2024-06-01", "date: 2024-05-30"))
    pr.repo.commit("backdate the record")
    code, out = pr.check()
    assert code == 1 and "E903" in codes(out), out  # the record was edited: the log only grows
    # a record made by hand with the wrong day, never recorded by the bot, is refused for its date
    fresh = PullRequest(pr.repo.root.parent / "second")
    fresh.add("bram-b", "APPROVED", when="2024-06-01T10:00:00Z")
    text = (
        fresh.text()
        .replace(
            "reviews: []",
            "reviews:\n  - reviewer: bram-board\n    decision: approved\n    date: 2024-05-30\n"
            f"    digest: {fresh.repo.digest('pump-question')}",
        )
        .replace("review_status: under_review", "review_status: approved\nnext_review: 2025-01-01", 1)
    )
    fresh.repo.write("pump-question", text)
    fresh.repo.commit("a record by hand, dated the wrong day")
    code, out = fresh.check()
    assert code == 1, out
    assert "is dated 2024-05-30, but `bram-b` gave that approval on GitHub on 2024-06-01" in out
