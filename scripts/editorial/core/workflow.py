"""The review workflow: states, allowed moves and what counts as an approval. Pure.

submitted ──> under_review ──> approved
    ^              │   ^           │
    └──────────────┘   └───────────┘
   changes requested     revision
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Article, Context, Record
from .vocabulary import Decision, Status

TRANSITIONS = {
    (Status.SUBMITTED, Status.UNDER_REVIEW),
    (Status.UNDER_REVIEW, Status.SUBMITTED),  # changes requested
    (Status.UNDER_REVIEW, Status.APPROVED),
    (Status.APPROVED, Status.UNDER_REVIEW),  # revision of an approved article
}


def allowed(before: str, after: str) -> bool:
    return before == after or (before, after) in TRANSITIONS


@dataclass(frozen=True)
class Verdict:
    """Why one review record does or does not count towards the quorum now."""

    index: int
    reviewer: str
    counts: bool
    code: str = ""
    reason: str = ""


def judge_reviews(article: Article, ctx: Context) -> list[Verdict]:
    """Each approving record judged against the content as it is now.

    A reviewer's latest decision on the current content is the one that stands, so a
    `changes_requested` after an approval of the same digest withdraws it."""
    latest: dict[str, int] = {}
    for record in article.reviews:
        if record.digest == article.digest and record.reviewer:
            latest[record.reviewer] = record.index
    return [
        Verdict(record.index, record.reviewer, *_judge(article, ctx, record, latest))
        for record in article.reviews
        if record.decision == Decision.APPROVED
    ]


def _judge(article: Article, ctx: Context, record: Record, latest: dict[str, int]) -> tuple[bool, str, str]:
    reviewer, date = record.reviewer, record.date
    person = ctx.registry.get(reviewer)
    if record.digest != article.digest:
        return (
            False,
            "E702",
            f"the approval by `{reviewer}` on {date} was for different content (digest "
            f"{record.digest[:15] or '(none)'}…, now {article.digest[:15]}…); the article changed after it was "
            "approved and needs a new review",
        )
    if person is None or not person.is_board:
        return False, "E703", f"`{reviewer}` is not a Medical Advisory Board member, so their approval does not count"
    if not person.active_on(date):
        return (
            False,
            "E703",
            f"`{reviewer}` was not on the board on {date} (serves {person.since or '?'} to {person.until or 'now'}), "
            "so the approval does not count",
        )
    if reviewer in article.authors:
        return False, "E704", f"`{reviewer}` is an author of this article; a self-approval does not count"
    if latest.get(reviewer) != record.index:
        return (
            False,
            "E702",
            f"`{reviewer}` later requested changes to this same content, which withdraws this approval",
        )
    if date > ctx.today:
        return False, "E602", f"the approval by `{reviewer}` is dated in the future ({date})"
    return True, "", ""


def approvers(article: Article, ctx: Context, verdicts: list[Verdict] | None = None, since: int = 0) -> list[str]:
    """Distinct board members whose approval of the current content counts; `since`: only
    records from that place in the log on (those added in a pull request)."""
    seen: list[str] = []
    for verdict in judge_reviews(article, ctx) if verdicts is None else verdicts:
        if verdict.counts and verdict.index >= since and verdict.reviewer not in seen:
            seen.append(verdict.reviewer)
    return seen


def quorum_met(article: Article, ctx: Context, since: int = 0) -> bool:
    names = approvers(article, ctx, since=since)
    if len(names) < ctx.policy.min_approvals:
        return False
    return not ctx.policy.specialty_match or specialty_matched(article, ctx, names)


@dataclass(frozen=True)
class Quorum:
    """The quorum as check-transitions counts it: against every context it is handed (the
    registry and policy of the base and of the head), each of which must be met."""

    counted: tuple[str, ...]  # the board members whose approval counts in every context
    needed: int  # the strictest policy's number of approvals
    met: bool

    @classmethod
    def of(cls, article: Article, contexts: Sequence[Context], since: int = 0) -> Quorum:
        counted: list[str] | None = None
        for ctx in contexts:
            names = approvers(article, ctx, since=since)
            counted = names if counted is None else [n for n in counted if n in names]
        return cls(
            tuple(counted or ()),
            max(ctx.policy.min_approvals for ctx in contexts),
            all(quorum_met(article, ctx, since) for ctx in contexts),
        )


def specialty_matched(article: Article, ctx: Context, names: list[str]) -> bool:
    wanted = set(article.fields.specialties)
    return any(wanted & set(ctx.registry.people[n].specialties) for n in names if n in ctx.registry.people)


def last_approval_date(article: Article, ctx: Context, verdicts: list[Verdict] | None = None) -> str:
    # `verdicts`: judge_reviews(article, ctx) when the caller has them already (it is the costly part)
    dates = {record.index: record.date for record in article.reviews}
    return max(
        (dates[v.index] for v in (judge_reviews(article, ctx) if verdicts is None else verdicts) if v.counts),
        default="",
    )


def review_due(approved_on: str, ctx: Context) -> str:
    """The latest next_review the policy allows after an approval on `approved_on`."""
    return (dt.date.fromisoformat(approved_on) + dt.timedelta(days=ctx.policy.review_interval_days)).isoformat()
