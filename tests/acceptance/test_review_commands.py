"""`editorial start-review` and `editorial review` edit a writer's file in place and
leave every byte they do not have to change exactly as it was. Real files, the real
command (its `main`, in this process); the people and articles are fictional test data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.cli import run_cli, run_editorial
from support.repo import CONFIG, REGISTRY

DATE = "2024-06-01"
# what an approval by hand signs, besides who, which day and which text (the policy's default words)
SIGNED = ['meaning: "Reviewed for medical accuracy against the cited sources"', 'name: "Bram Board"']

ODD = """---
# Written by hand; the comments and the quoting must survive.
title: 'A fictional question: with a colon?'   # single quotes
id: "odd-question"
description: >-
  A folded answer
  over two lines.
audience: [clinician]
specialties:
    - anesthesia
authors: [wendy-writer]
created: 2024-05-01
updated: 2024-05-02
review_status: 'submitted'   # set by editorial start-review
reviews: []   # append-only
conflicts: none
references: []
---

## From the Guidelines

Body text stays   exactly as written.   
"""  # noqa: W291 (the trailing spaces are the point)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(CONFIG.format(min_approvals=1))
    (root / "content" / "people.yml").write_text(REGISTRY)
    return root


def put(site: Path, text: str, name: str = "odd-question", newline: str = "\n", bom: bool = False) -> Path:
    path = site / "content" / "articles" / f"{name}.md"
    data = text.replace("\n", newline).encode()
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def digest(site: Path, path: Path) -> str:
    code, out, err = run_cli("digest", path, cwd=site)
    assert code == 0, err
    return out.split()[0]


def review(site: Path, path: Path, reviewer: str, decision: str = "approved", *extra: str) -> tuple[int, str, str]:
    return run_cli("review", path, "--reviewer", reviewer, "--decision", decision, "--date", DATE, *extra, cwd=site)


# -- byte for byte ------------------------------------------------------------------
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_start_review_changes_only_the_status_value(site: Path, newline: str):
    path = put(site, ODD, newline=newline)
    before = path.read_bytes()
    code, out, err = run_cli("start-review", path, cwd=site)
    assert code == 0, err
    assert "submitted -> under_review" in out
    expected = before.replace(b"review_status: 'submitted'", b"review_status: 'under_review'")
    assert expected != before
    assert path.read_bytes() == expected


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_review_turns_an_empty_flow_list_into_a_block_and_keeps_everything_else(site: Path, newline: str):
    path = put(site, ODD.replace("'submitted'", "'under_review'"), newline=newline, bom=True)
    before = path.read_bytes()
    sha = digest(site, path)
    code, out, err = review(site, path, "bram-board", "approved", "--note", 'Checked: the "guideline" too')
    assert code == 0, err
    assert "under_review -> approved, next_review 2025-06-01" in out
    new_lines = [
        "reviews:  # append-only",
        "  - reviewer: bram-board",
        "    decision: approved",
        f"    date: {DATE}",
        f"    digest: {sha}",
        '    note: "Checked: the \\"guideline\\" too"',
        *(f"    {line}" for line in SIGNED),
        "next_review: 2025-06-01",
    ]
    expected = before.replace(b"review_status: 'under_review'", b"review_status: 'approved'").replace(
        b"reviews: []   # append-only" + newline.encode(), newline.join(new_lines).encode() + newline.encode()
    )
    assert path.read_bytes() == expected
    assert path.read_bytes().startswith(b"\xef\xbb\xbf---")


BLOCK = """---
id: block-question
title: A fictional question with a review log?
description: "Double-quoted description."
audience: [clinician]
specialties: [anesthesia]
authors: [wendy-writer]
created: 2024-05-01
updated: 2024-05-02
review_status: under_review
reviews:
    -   reviewer: cora-board
        decision: changes_requested
        date: 2024-05-20
        digest: sha256:{old}
        note: Please cite the guideline.
    # a comment the writer left after the log
next_review: "2024-12-01"   # will move
conflicts: none
references: []
---
Body.
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_review_appends_to_an_existing_block_list_in_its_own_indentation(site: Path, newline: str):
    path = put(site, BLOCK.format(old="0" * 64), name="block-question", newline=newline)
    before = path.read_bytes()
    sha = digest(site, path)
    code, out, err = review(site, path, "bram-board")
    assert code == 0, err
    record = (
        newline.join(
            [
                "    -   reviewer: bram-board",
                "        decision: approved",
                f"        date: {DATE}",
                f"        digest: {sha}",
                *(f"        {line}" for line in SIGNED),
            ]
        ).encode()
        + newline.encode()
    )
    anchor = b"        note: Please cite the guideline." + newline.encode()
    expected = (
        before.replace(b"review_status: under_review", b"review_status: approved")
        .replace(anchor, anchor + record)
        .replace(b'next_review: "2024-12-01"', b'next_review: "2025-06-01"')
    )
    assert path.read_bytes() == expected


def test_a_review_that_does_not_reach_the_quorum_only_appends(tmp_path: Path):
    site = tmp_path / "site"
    (site / "content" / "articles").mkdir(parents=True)
    (site / "mkdocs.yml").write_text(CONFIG.format(min_approvals=2))
    (site / "content" / "people.yml").write_text(REGISTRY)
    path = put(site, BLOCK.format(old="0" * 64), name="block-question")
    code, out, err = review(site, path, "bram-board")
    assert code == 0, err
    text = path.read_text()
    assert "review_status: under_review" in text and 'next_review: "2024-12-01"' in text
    assert text.count("reviewer:") == 2


def test_changes_requested_moves_back_to_submitted(site: Path):
    path = put(site, ODD.replace("'submitted'", "'under_review'"))
    code, out, err = review(site, path, "cora-board", "changes_requested", "--note", "Say who should not have it.")
    assert code == 0, err
    text = path.read_text()
    assert "review_status: 'submitted'" in text
    assert "decision: changes_requested" in text and "next_review" not in text


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_start_review_takes_an_approved_article_back_and_removes_next_review(site: Path, newline: str):
    text = BLOCK.format(old="0" * 64).replace("review_status: under_review", "review_status: approved")
    path = put(site, text, name="block-question", newline=newline)
    before = path.read_bytes()
    code, out, err = run_cli("start-review", path, cwd=site)
    assert code == 0, err
    assert "approved -> under_review (next_review removed" in out
    expected = before.replace(b"review_status: approved", b"review_status: under_review").replace(
        b'next_review: "2024-12-01"   # will move' + newline.encode(), b""
    )
    assert path.read_bytes() == expected


def test_changes_requested_removes_next_review(site: Path):
    path = put(site, BLOCK.format(old="0" * 64), name="block-question")
    before = path.read_bytes()
    code, out, err = review(site, path, "cora-board", "changes_requested", "--note", "Not yet.")
    assert code == 0, err
    after = path.read_bytes()
    assert b"next_review" not in after and b"review_status: submitted" in after
    assert after.replace(b"review_status: submitted", b"review_status: under_review").startswith(
        before.split(b"    # a comment")[0]
    )
    assert after.endswith(b"conflicts: none\nreferences: []\n---\nBody.\n")


def test_the_edited_sample_article_still_validates(project: Path):
    """On a real sample article: an approved one goes back to review, is approved
    again with the command, and validate judges the result exactly as before."""
    path = next(
        p for p in sorted((project / "content" / "articles").glob("*.md")) if "review_status: approved" in p.read_text()
    )
    text = path.read_text()
    board = re.search(r"reviewer: ([a-z-]+)", text).group(1)
    before_code, before_out, _ = run_cli("validate", path, cwd=project)
    path.write_text(text.replace("review_status: approved", "review_status: under_review"))
    code, out, err = run_cli("review", path, "--reviewer", board, "--decision", "approved", cwd=project)
    assert code == 0, err
    assert "review_status: approved" in path.read_text()
    after_code, after_out, _ = run_cli("validate", path, cwd=project)
    assert after_code == before_code, after_out
    assert not re.search(r": E7\d\d ", after_out), after_out


# -- refusals: exit 1, a clear message, the file untouched ---------------------------
@pytest.mark.parametrize(
    "reviewer, message",
    [
        ("wendy-writer", "is not a Medical Advisory Board member"),
        ("no-such-person", "is not in content/people.yml"),
        ("olga-former", "is not on the board on 2024-06-01"),
        ("ada-both", "is an author of"),
    ],
)
def test_review_refuses_who_may_not_review(site: Path, reviewer: str, message: str):
    path = put(site, ODD.replace("'submitted'", "'under_review'").replace("[wendy-writer]", "[ada-both]"))
    before = path.read_bytes()
    code, out, err = review(site, path, reviewer)
    assert code == 1 and message in err and "Traceback" not in err
    assert path.read_bytes() == before


def test_review_refuses_an_article_not_under_review(site: Path):
    """As a process (a smoke test; the others run the command in this process)."""
    path = put(site, ODD)
    before = path.read_bytes()
    code, out, err = run_editorial(
        "review", path, "--reviewer", "bram-board", "--decision", "approved", "--date", DATE, cwd=site
    )
    assert code == 1 and "only an `under_review` article can be reviewed" in err and "start-review" in err
    assert out == "" and "Traceback" not in err
    assert path.read_bytes() == before


def test_start_review_refuses_anything_not_submitted(site: Path):
    path = put(site, ODD.replace("'submitted'", "'under_review'"))
    before = path.read_bytes()
    code, out, err = run_cli("start-review", path, cwd=site)
    assert code == 1 and "only a `submitted` or `approved` article can start review" in err
    assert path.read_bytes() == before


def test_review_refuses_a_future_date_and_a_bad_one(site: Path):
    path = put(site, ODD.replace("'submitted'", "'under_review'"))
    before = path.read_bytes()
    code, _, err = run_cli(
        "review", path, "--reviewer", "bram-board", "--decision", "approved", "--date", "2999-01-01", cwd=site
    )
    assert code == 1 and "in the future" in err
    code, _, err = run_cli(
        "review", path, "--reviewer", "bram-board", "--decision", "approved", "--date", "June 1", cwd=site
    )
    assert code == 2 and "YYYY-MM-DD" in err
    assert path.read_bytes() == before


def test_review_of_an_unreadable_file_says_where(site: Path):
    path = put(site, ODD.replace("title: 'A", "title: [A"))
    code, _, err = review(site, path, "bram-board")
    assert code == 1 and re.search(r"odd-question\.md:\d+:\d+: E106", err)


def test_review_appends_to_a_log_written_at_the_key_indentation_and_adds_next_review(site: Path):
    text = BLOCK.format(old="0" * 64)
    text = re.sub(r"(?m)^    -   reviewer", "- reviewer", text)
    text = re.sub(r"(?m)^        (decision|date|digest|note)", r"  \1", text)
    text = text.replace('next_review: "2024-12-01"   # will move\n', "")
    path = put(site, text, name="block-question")
    before = path.read_bytes()
    sha = digest(site, path)
    code, out, err = review(site, path, "bram-board")
    assert code == 0, err
    anchor = b"  note: Please cite the guideline.\n"
    added = (
        f"- reviewer: bram-board\n  decision: approved\n  date: {DATE}\n  digest: {sha}\n"
        + "".join(f"  {line}\n" for line in SIGNED)
        + "next_review: 2025-06-01\n"
    ).encode()
    expected = before.replace(b"review_status: under_review", b"review_status: approved").replace(
        anchor, anchor + added
    )
    assert path.read_bytes() == expected
    assert run_cli("digest", path, cwd=site)[1].split()[0] == sha  # the content did not change


def test_review_refuses_a_log_in_flow_form_it_cannot_extend_safely(site: Path):
    path = put(
        site,
        ODD.replace("'submitted'", "'under_review'").replace(
            "reviews: []",
            "reviews: [{reviewer: cora-board, decision: changes_requested, date: 2024-05-01, digest: 'sha256:"
            + "0" * 64
            + "'}]",
        ),
    )
    before = path.read_bytes()
    code, _, err = review(site, path, "bram-board")
    assert code == 1 and "block list" in err
    assert path.read_bytes() == before


def test_a_review_recorded_as_it_is_done_signs_its_time_and_one_dated_by_hand_only_its_day(site: Path):
    """`editorial review` without --date records the time in UTC with the day; a record dated by
    hand carries no time it cannot know. A request for changes attests nothing: no meaning."""
    from editorial.core import edit
    from editorial.workspace import Workspace

    path = put(site, ODD.replace("'submitted'", "'under_review'"))
    corpus = Workspace(site).corpus()
    article = next(a for a in corpus.articles if a.id == "odd-question")
    now = edit.plan_review(article, corpus.context, "bram-board", "approved", DATE, None, f"{DATE}T09:15:00Z")
    assert now.record["at"] == f"{DATE}T09:15:00Z" and now.record["meaning"] and now.record["name"] == "Bram Board"
    other_day = edit.plan_review(article, corpus.context, "bram-board", "approved", DATE, None, "2024-06-02T00:10:00Z")
    assert "at" not in other_day.record
    changes = edit.plan_review(article, corpus.context, "cora-board", "changes_requested", DATE, "Why?", "")
    assert "meaning" not in changes.record and changes.record["name"] == "Cora Board"
    before = path.read_text()
    code, _, err = run_cli("review", path, "--reviewer", "bram-board", "--decision", "approved", cwd=site)
    assert code == 0, err  # the suite fixes the day (EDITORIAL_TODAY): the time of that day is not known
    assert "\n    at: " not in path.read_text()
    path.write_text(before)
    code, _, err = run_cli(
        "review", path, "--reviewer", "bram-board", "--decision", "approved", cwd=site, env={"EDITORIAL_TODAY": None}
    )
    assert code == 0, err  # the machine's clock: the day and the time in UTC
    assert re.search(r'\n    at: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\n', path.read_text())
