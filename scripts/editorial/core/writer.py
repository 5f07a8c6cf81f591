"""The writer's daily tools, as pure functions: a new article's text, and the queue
of what waits for whom. cli.py does the reading and writing (`editorial new`,
`editorial queue`); preview.py serves one article (`editorial preview`)."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

from . import retractions, workflow
from .model import Article, Context, Person
from .vocabulary import Decision, Status

MAX_SLUG = 60  # a slug is the page's address: short enough to read, type and share
DUE_WITHIN_DAYS = 30  # approved articles whose next review is this close are listed
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# small words that a slug cut at the limit should not end on
_DANGLING = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "be",
    "by",
    "for",
    "from",
    "in",
    "into",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
    "without",
}


# -- editorial new -----------------------------------------------------------------------
def slugify(question: str) -> str:
    """`Can a pump be refilled in sepsis?` -> `can-a-pump-be-refilled-in-sepsis`: whole
    words, at most MAX_SLUG characters, not ending on a small word when cut short."""
    ascii_text = unicodedata.normalize("NFKD", question).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    kept: list[str] = []
    for word in words:  # whole words only, up to the limit
        if len("-".join([*kept, word])) > MAX_SLUG:
            while len(kept) > 1 and kept[-1] in _DANGLING:
                kept.pop()
            break
        kept.append(word)
    return "-".join(kept)


def slug_problem(slug: str) -> str:
    """Why `slug` cannot name an article ("" when it can)."""
    if not SLUG.match(slug):
        return f"`{slug}` is not a slug: use lowercase letters, digits and single hyphens, e.g. `itp-refill-sepsis`"
    if len(slug) > MAX_SLUG:
        return f"`{slug}` is {len(slug)} characters; keep a slug to {MAX_SLUG} or fewer (it is the page's address)"
    return ""


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


# The template's words that the writer replaces: `editorial validate` refuses each one still in an
# article (rules/template.py, E510), so no template text can reach the board, let alone be approved.
REPLACE = "(replace this text)"  # ends every front-matter placeholder
DESCRIPTION = f"One or two sentences that answer the question for a clinician {REPLACE}."
CONFLICTS = f"The authors' conflicts of interest: state them, or write none {REPLACE}."


@dataclass(frozen=True)
class Guidance:
    """A paragraph of guidance `new` writes under an answer section, and what belongs there instead."""

    section: str
    sentences: tuple[str, ...]
    instead: str


GUIDANCE = (
    Guidance(
        "From the Guidelines",
        (
            "Say what the guidelines recommend, in your own words.",
            "Add each guideline to `references` with `evidence: guideline` and cite it where you use it, like "
            "`[@evans2021]`.",
            "Delete this section if no guideline covers the question.",
        ),
        "write what the guidelines recommend, in your own words, citing each guideline as [@key]; or delete the "
        "section if no guideline covers the question",
    ),
    Guidance(
        "From the Research",
        (
            "Summarise the studies that bear on the question, citing each one, like `[@koljonen2021; @boviatsis2004]`.",
            "Delete this section if there is no research.",
        ),
        "summarise the studies that bear on the question, citing each one as [@key]; or delete the section if "
        "there is no research",
    ),
)


def _wrapped(sentences: tuple[str, ...], width: int = 76) -> str:
    lines: list[str] = []
    for word in " ".join(sentences).split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def new_article(question: str, authors: Person | list[Person], today: str, slug: str | None = None) -> str:
    """The text of a new, schema-valid article: `submitted`, no reviews, no references yet.

    What the writer must write is placeholder text that validate refuses (E510), and its two
    answer sections cite nothing (E502): validate's list is the writer's to-do. The conflicts
    of interest are the authors' own statement: the template never answers `none` for them."""
    authors = [authors] if isinstance(authors, Person) else list(authors)
    specialties = list(dict.fromkeys(s for a in authors for s in a.specialties[:1])) or ["general-medicine"]
    sections = "\n\n".join(f"## {g.section}\n\n{_wrapped(g.sentences)}" for g in GUIDANCE)
    return f"""---
id: {slug or slugify(question)}
title: {_quoted(question.strip())}
description: >-
  {DESCRIPTION}
audience: [clinician]            # add patient (and a patient_summary) if patients should read it
specialties: [{", ".join(specialties)}]
authors: [{", ".join(a.id for a in authors)}]
created: {today}
updated: {today}
review_status: submitted
reviews: []
conflicts: {_quoted(CONFLICTS)}
references: []                   # CSL items, each with `evidence: guideline` or `research` (see guides/writers.md)
---

{sections}
"""


# -- editorial queue ---------------------------------------------------------------------
@dataclass(frozen=True)
class Waiting:
    """One article that waits for someone."""

    path: str
    id: str
    title: str
    status: str
    waiting_for: str  # "writer" (who also starts each review) or "board"
    action: str  # what they have to do, in words
    age_days: int  # since the content last changed (`updated`)
    approvals_needed: int = 0
    next_review: str = ""
    due_in_days: int | None = None  # negative: overdue


def _days(since: object, today: str) -> int:
    try:
        return (dt.date.fromisoformat(today) - dt.date.fromisoformat(str(since))).days
    except ValueError:
        return 0


def queue(articles: list[Article], ctx: Context) -> list[Waiting]:
    """Approved articles that cite a retracted source (or one under an expression of concern)
    first, then submitted and under-review articles, then approved ones due for review
    within DUE_WITHIN_DAYS (or overdue): oldest and most urgent first."""
    pending: list[Waiting] = []
    due: list[Waiting] = []
    sources: list[tuple[tuple, Waiting]] = []
    for article in articles:
        fields = article.fields
        age = _days(fields.updated or fields.created, ctx.today)
        common: dict[str, Any] = dict(
            path=article.path, id=article.id, title=article.title, status=article.status, age_days=age
        )
        if article.status in (Status.SUBMITTED, Status.UNDER_REVIEW):
            needed = max(0, ctx.policy.min_approvals - len(workflow.approvers(article, ctx)))
            if article.status == Status.SUBMITTED:
                changes = [r for r in article.reviews if r.decision == Decision.CHANGES_REQUESTED]
                if changes:
                    who, action = (
                        "writer",
                        f"revise: changes requested by {changes[-1].reviewer or '?'} on {changes[-1].date or '?'}",
                    )
                else:
                    who, action = (
                        "writer",
                        f"when the draft is ready: editorial start-review {article.path}, commit, push and open the "
                        "pull request",
                    )
            else:
                who, action = "board", f"review: {needed} approval(s) of the current content still needed"
            pending.append(Waiting(**common, waiting_for=who, action=action, approvals_needed=needed))
        elif article.status == Status.APPROVED and (notices := _notices(article, ctx)):
            first = notices[0].notice
            what = "was retracted" if first.nature == retractions.RETRACTION else "is under an expression of concern"
            action = (
                f"review again: reference '{notices[0].key}' {what} ({first.date}); revise the article, or keep the "
                f"source (`Keep retracted source: {notices[0].key}` in a board member's review on GitHub)"
                + (f" ({len(notices) - 1} more source(s))" if len(notices) > 1 else "")
            )
            sources.append(
                (
                    (first.nature != retractions.RETRACTION, first.date, article.path),
                    Waiting(**common, waiting_for="board", action=action, next_review=fields.next_review),
                )
            )
        elif article.status == Status.APPROVED:
            next_review = fields.next_review
            if not next_review:
                continue  # validate reports it (E706)
            left = -_days(next_review, ctx.today)
            if left <= DUE_WITHIN_DAYS:
                when = f"overdue by {-left} day(s)" if left < 0 else f"due within {left} day(s)"
                action = (
                    f"review again, {when}: check the sources, then editorial start-review {article.path} on a branch "
                    "and open a pull request for the board"
                )
                due.append(
                    Waiting(**common, waiting_for="writer", action=action, next_review=next_review, due_in_days=left)
                )
    pending.sort(key=lambda w: (-w.age_days, w.path))
    due.sort(key=lambda w: (w.due_in_days, w.path))
    return [waiting for _, waiting in sorted(sources, key=lambda s: s[0])] + pending + due


def _notices(article: Article, ctx: Context) -> list[retractions.Finding]:
    """The approved article's sources that were retracted, then those under concern, not acknowledged."""
    found = [
        f
        for f in retractions.findings(retractions.cited_works(article), ctx.retractions)
        if not f.acknowledged and f.notice.nature in (retractions.RETRACTION, retractions.CONCERN)
    ]
    return sorted(found, key=lambda f: f.notice.nature != retractions.RETRACTION)


def render_queue(items: list[Waiting], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([asdict(item) for item in items], indent=2, ensure_ascii=False)
    if not items:
        return (
            "nothing waits: no article is submitted, under review, due for review within 30 days or citing a retracted "
            "source"
        )
    lines = []
    for item in items:
        age = f"{item.age_days} day(s) since last change"
        lines.append(f"{item.path}: {item.status} -> {item.waiting_for}: {item.action} ({age})")
    lines.append(f"{len(items)} article(s) waiting")
    return "\n".join(lines)
