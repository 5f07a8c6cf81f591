"""An article's review history: every version the board approved, oldest first. Pure.

The versions come from the article as the main branch had it over time (history.py reads
them from git in one pass for the whole corpus) and are judged with the same rules as the
article itself (workflow.py), against today's registry: a member who has left since still
approved what they approved while serving. A version is one (content digest, approval
date): a re-review of unchanged content is a new entry too, marked as such. Without git,
or for an approval not committed yet, the history ends with the article's approval now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import workflow
from .model import Article, Context, Record
from .vocabulary import Status


@dataclass(frozen=True)
class ApprovedVersion:
    date: str  # ISO date of the latest approval that counted for this version
    reviewers: tuple[str, ...]  # ids of the board members whose approval counted
    digest: str  # the content the board approved
    commit: str = ""  # the commit that first carried this approval ("": not known from git)
    path: str = ""  # the article's file at that commit
    content_changed: bool = True  # False: a re-review of the same content as the version before
    signed: tuple[Record, ...] = ()  # the approving records that counted, one a reviewer: their signatures


@dataclass(frozen=True)
class Committed:
    """One version of an article file on the main branch, as history.py read it."""

    commit: str
    path: str
    article: Article | None  # None: the same content as the file in the working tree now


def approval(article: Article, ctx: Context, *, commit: str = "", path: str = "") -> ApprovedVersion | None:
    """The approval that stands for `article` as it is, if any approval counts."""
    if article.status != Status.APPROVED:
        return None
    verdicts = workflow.judge_reviews(article, ctx)
    reviewers = tuple(workflow.approvers(article, ctx, verdicts))
    if not reviewers:
        return None
    return ApprovedVersion(
        workflow.last_approval_date(article, ctx, verdicts),
        reviewers,
        article.digest,
        commit,
        path,
        signed=_signed(article, verdicts, reviewers),
    )


def _signed(article: Article, verdicts: list[workflow.Verdict], reviewers: tuple[str, ...]) -> tuple[Record, ...]:
    """Each approver's latest approving record that counts (the one their signature stands on)."""
    records = {record.index: record for record in article.reviews}
    latest: dict[str, Record] = {}
    for verdict in verdicts:
        if verdict.counts:
            latest[verdict.reviewer] = records[verdict.index]
    return tuple(latest[r] for r in reviewers if r in latest)


def versions(current: Article, ctx: Context, committed: Iterable[Committed] = ()) -> list[ApprovedVersion]:
    """Every approved version of `current`, oldest first; the last one is the approval now.

    `committed`: the article's file at each commit of the main branch that changed it, oldest
    first (a commit whose file is the working tree's own carries `article=None`)."""
    now = approval(current, ctx)
    found: list[ApprovedVersion] = []
    for item in committed:
        version = now if item.article is None else approval(item.article, ctx)
        if version is None:
            continue
        if found and (found[-1].digest, found[-1].date) == (version.digest, version.date):
            continue  # the same approval, carried by a later commit (a change to next_review, say)
        changed = not found or found[-1].digest != version.digest
        found.append(
            ApprovedVersion(
                version.date, version.reviewers, version.digest, item.commit, item.path, changed, version.signed
            )
        )
    if now is not None and (not found or (found[-1].digest, found[-1].date) != (now.digest, now.date)):
        found.append(
            ApprovedVersion(
                now.date,
                now.reviewers,
                now.digest,
                content_changed=not found or found[-1].digest != now.digest,
                signed=now.signed,
            )
        )
    return found


def last_approved(committed: Iterable[Committed], current: Article, ctx: Context) -> Committed | None:
    """The latest of the versions (oldest first) whose approval counts, judged as `versions`
    judges them (an item without its article is `current`): what a revision is compared with."""
    for item in reversed(list(committed)):
        article = item.article if item.article is not None else current
        if article.id == current.id and approval(article, ctx) is not None:
            return Committed(item.commit, item.path, article)
    return None


def first_approval(history: list[ApprovedVersion]) -> str:
    """When the article was first published: its first approved version's date."""
    return history[0].date if history else ""


@dataclass(frozen=True)
class Dates:
    """The dates of an article's page, defined once: the page shows them and its metadata
    (JSON-LD, Open Graph, the sitemap, the feed) gives the same ones. All are the board's, from
    the approvals, none the writer's: the front matter's `updated` is when the writer changed
    the text, and readers see a change only once it is approved."""

    published: str  # the first approval: when the article reached the site (datePublished)
    updated: str  # the approval of the text on the page: when it last changed for readers (dateModified)
    reviewed: str  # the approval that stands now; a re-review without changes moves only this (lastReviewed)


def dates(history: list[ApprovedVersion], current: ApprovedVersion | None) -> Dates:
    """The page's dates from its approved versions (oldest first) and the approval now (None:
    not approved, as in a preview of a draft: no dates)."""
    if current is None:
        return Dates("", "", "")
    changed = next((v.date for v in reversed(history) if v.content_changed), current.date)
    return Dates(first_approval(history) or current.date, changed, current.date)
