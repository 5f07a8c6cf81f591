"""`transitions.judge_change` on loaded articles: one article's change within a commit, judged
against the workflow, with no git. (The same histories through real repositories and the real
`editorial check-transitions`: acceptance/test_transitions.py.) The people and the articles
are the fictional ones of support/repo.py."""

from __future__ import annotations

import pytest

from editorial.core import transitions
from editorial.core.loader import load_article, load_registry
from editorial.core.model import Article, Context, Policy
from support.clock import TODAY
from support.repo import REGISTRY, article_text

PATH = "content/articles/pump-question.md"
NEXT = "next_review: 2025-01-01\n"


def load(text: str, path: str = PATH) -> Article:
    article, problems = load_article(path, text.encode())
    assert article is not None, problems
    return article


def judges(approvers=("bram-b", "cora-b"), min_approvals: int = 1, registry: str = REGISTRY) -> transitions.Judges:
    people, problems = load_registry("content/people.yml", registry.encode())
    assert people is not None, problems
    ctx = Context(people, Policy(min_approvals=min_approvals), TODAY)
    return transitions.judges(ctx, ctx, approvers)


def record(reviewer: str, text: str, decision: str = "approved", date: str = "2024-06-01") -> str:
    """A review record of the digest of `text` (the digest leaves the workflow fields out)."""
    digest = load(text).digest
    return f"\n  - reviewer: {reviewer}\n    decision: {decision}\n    date: {date}\n    digest: {digest}"


def judge(old: str | None, new: str | None, judges_: transitions.Judges | None = None) -> list[str]:
    """The codes of the change from `old` to `new` (None: absent) in commit c0ffee."""
    before, after = (load(t) if t is not None else None for t in (old, new))
    problems = transitions.judge_change(before, after, judges_ or judges(), "c0ffee")
    assert all(p.commit == "c0ffee" and p.path == PATH for p in problems), problems
    return [p.code for p in problems]


def review(reviewer: str = "bram-board", authors: str = "[wendy-writer]", **kw) -> tuple[str, str]:
    """(the article under review, the same approved with `reviewer`'s record of its text)."""
    under = article_text(status="under_review", authors=authors, **kw)
    return under, article_text(status="approved", authors=authors, reviews=record(reviewer, under), extra=NEXT, **kw)


def test_an_approval_by_a_serving_board_member_passes():
    assert judge(*review()) == []


def test_a_new_article_starts_submitted_with_no_reviews():
    assert judge(None, article_text()) == []
    assert judge(None, article_text(status="approved", extra=NEXT)) == ["E901"]
    assert judge(None, article_text(reviews=record("bram-board", article_text()))) == ["E901"]
    problems = transitions.judge_change(None, load(article_text(status="approved", extra=NEXT)), judges(), "c0ffee")
    assert "a new article starts as `review_status: submitted`, not `approved`" in problems[0].message
    assert (problems[0].line, problems[0].column) == (10, 1)  # at `review_status`


def test_submitted_cannot_jump_to_approved():
    draft = article_text()
    jumped = article_text(status="approved", reviews=record("bram-board", draft), extra=NEXT)
    assert "E902" in judge(draft, jumped)


def test_an_approved_article_whose_text_changes_must_leave_approved():
    under, approved = review()
    edited = approved.replace("The answer, in our own words.", "A changed answer.")
    assert judge(approved, edited) == ["E905"]
    assert judge(approved, edited.replace("review_status: approved", "review_status: under_review")) == []


def test_the_review_log_only_grows():
    under, approved = review()
    reopened = approved.replace("review_status: approved", "review_status: under_review")
    assert judge(reopened, reopened.replace("reviewer: bram-board", "reviewer: cora-board")) == ["E903"]  # edited
    removed = reopened.replace(reopened[reopened.index("reviews:") : reopened.index("\nnext_review")], "reviews: []")
    assert judge(reopened, removed) == ["E903"]


def test_the_id_never_changes():
    draft = article_text()
    assert judge(draft, draft.replace("id: pump-question", "id: another-id")) == ["E904"]


@pytest.mark.parametrize(
    "reviewer, authors, why",
    [
        ("ada-both", "[ada-both]", "an author"),
        ("wendy-writer", "[ada-both]", "not on the board"),
        ("olga-former", "[wendy-writer]", "left the board"),
    ],
)
def test_who_cannot_approve(reviewer, authors, why):
    under, approved = review(reviewer, authors)
    codes = judge(under, approved, judges(approvers=("ada-b", "wendy-w", "olga-f")))
    assert "E909" in codes and "E908" in codes, why  # a record no one may write, so no quorum


def test_an_approval_the_pull_request_does_not_carry_is_not_confirmed():
    under, approved = review()
    assert judge(under, approved, judges(approvers=("cora-b",))) == ["E907"]
    assert judge(under, approved, judges(approvers=None)) == []  # not checked: the command says so


def test_two_approvals_when_the_policy_needs_two():
    under, approved = review()
    assert judge(under, approved, judges(min_approvals=2)) == ["E908"]
    both = approved.replace("\nnext_review", record("cora-board", under) + "\nnext_review", 1)
    assert judge(under, both, judges(min_approvals=2)) == []


def test_deleting_an_approved_article_needs_a_board_approver():
    _, approved = review()
    assert judge(approved, None, judges(approvers=())) == ["E906"]
    assert judge(approved, None, judges(approvers=("bram-b",))) == []
    assert judge(article_text(), None, judges(approvers=())) == []  # a draft may go


def test_changes_requested_sends_the_article_back_to_submitted():
    under = article_text(status="under_review")
    back = article_text(reviews=record("bram-board", under, decision="changes_requested"))
    assert judge(under, back) == []
