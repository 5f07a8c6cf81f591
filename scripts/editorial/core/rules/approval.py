"""Workflow state, as far as one file shows it: an approved article has a valid quorum
of approvals of its current content, and a next review date within the policy."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .. import workflow
from ..model import Article, Context, Problem
from ..vocabulary import Status

FILE_LOCAL = False  # needs the registry, the policy and today's date (see rules/__init__.py)


def check(articles: Sequence[Article], ctx: Context) -> Iterator[Problem]:
    for article in articles:
        yield from approval_problems(article, ctx)


def approval_problems(article: Article, ctx: Context) -> Iterator[Problem]:
    if article.status != Status.APPROVED:
        return
    verdicts = workflow.judge_reviews(article, ctx)
    counted = workflow.approvers(article, ctx, verdicts)  # judged once: it is the costly part
    need = ctx.policy.min_approvals
    if len(counted) < need:
        line, col = article.pos("review_status")
        yield Problem(
            article.path,
            line,
            col,
            "E701",
            f"`review_status: approved` needs {need} board approval(s) of the current content, and has "
            f"{len(counted)}; set it back to `under_review` and ask the board to review",
        )
        for verdict in verdicts:
            if (
                not verdict.counts and verdict.code != "E704"
            ):  # a self-review is the people rule's finding, for any record
                line, col = article.pos("reviews", verdict.index)
                yield Problem(article.path, line, col, verdict.code, verdict.reason)
    elif ctx.policy.specialty_match and not workflow.specialty_matched(article, ctx, counted):
        line, col = article.pos("review_status")
        yield Problem(
            article.path,
            line,
            col,
            "E705",
            "policy `specialty_match` needs at least one approver who shares a specialty with the article; ask such a "
            "board member to review",
        )
    yield from _next_review(article, ctx, verdicts)


def _next_review(article: Article, ctx: Context, verdicts=None) -> Iterator[Problem]:
    next_review = article.fields.next_review
    approved_on = workflow.last_approval_date(article, ctx, verdicts)
    if not next_review:
        line, col = article.pos("review_status")
        due = _due(approved_on, ctx) or "a date"
        yield Problem(
            article.path,
            line,
            col,
            "E706",
            f"an approved article needs `next_review` (at most {ctx.policy.review_interval_days} days after approval: "
            f"{due})",
        )
        return
    line, col = article.pos("next_review")
    due = _due(approved_on, ctx)
    if due and next_review > due:
        yield Problem(
            article.path,
            line,
            col,
            "E706",
            f"`next_review` {next_review} is more than {ctx.policy.review_interval_days} days after the approval of "
            f"{approved_on}; set it to {due} or earlier",
        )
    if next_review < ctx.today:
        yield Problem(
            article.path,
            line,
            col,
            "W701",
            f"review overdue: `next_review` was {next_review}; the board should review this article again",
        )


def _due(approved_on: str, ctx: Context) -> str:
    """The latest next_review allowed, or "" when the approval's date is not a real date
    (the schema rule reports that date, which keeps the article from being published)."""
    try:
        return workflow.review_due(approved_on, ctx) if approved_on else ""
    except ValueError:
        return ""
