"""`editorial record-reviews`: the review records that GitHub's reviews prove, written and committed.

A board member approves on GitHub; GitHub keeps the commit the member saw (`commit_id`).
For each article the pull request changes and each board member who may review it, the
member's standing review (reviews.latest_decisions) becomes a record in the article's
front matter when it is:

- APPROVED on a commit where the article's digest is its digest at the head: an
  `approved` record of that digest, dated the review's UTC day (unless the member's
  latest record of this digest already says `approved`);
- CHANGES_REQUESTED: a `changes_requested` record of the digest the member saw, with
  the review's text as its note (unless their latest record of that digest says so).

The status then moves as the workflow says, one commit per step, so that every commit
is a legal transition on its own: `submitted` (or `approved`, when changes are
requested) first moves to `under_review`; then the records are appended and the article
becomes `approved` when the quorum is met, or `submitted` when changes are requested of
its current text. The edits are edit.py's: only the lines that must change.

Pure: commands/record_reviews.py reads git, writes and commits what `plan` decides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import edit, identifiers, retractions, workflow
from .loader import load_article
from .model import Article, Context, Person, Problem
from .reviews import ArticleAt, Review, plain_note, text_seen
from .vocabulary import Decision, ReviewState, Status


@dataclass(frozen=True)
class Due:
    """One record to write, and the GitHub review that proves it."""

    record: dict
    person: Person
    review: Review


@dataclass(frozen=True)
class Step:
    """One commit: the article's bytes after it, its new status, and what it holds."""

    data: bytes
    before: str
    after: str
    records: tuple[Due, ...]


@dataclass
class Plan:
    path: str
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def eligible(article: Article, contexts: Sequence[Context]) -> list[Person]:
    """Board members who may review `article` today in every context (base and head
    registries), with a GitHub login: the only people whose reviews can be recorded."""
    base = contexts[0]
    people = []
    for person in sorted(base.registry.people.values(), key=lambda p: p.id):
        if not person.github or person.id in article.authors:
            continue
        if all(
            (other := ctx.registry.get(person.id)) is not None
            and other.is_board
            and other.active_on(ctx.today)
            and identifiers.login(other.github) == identifiers.login(person.github)
            for ctx in contexts
        ):
            people.append(person)
    return people


def due_records(
    article: Article,
    paths: Sequence[str | None],
    contexts: Sequence[Context],
    latest: dict[str, Review],
    article_at: ArticleAt,
    since: int = 0,
) -> tuple[list[Due], list[str]]:
    """The records GitHub's standing reviews prove for `article` (as at the head), oldest
    review first, and notes on reviews that prove nothing. `paths`: where the article may
    have been in the pull request (its path at the head and at the base); `article_at`: the
    article at a commit and path (reviews.text_seen). `since`: the records the base branch
    has (a decision is recorded again if only they hold it)."""
    due: list[Due] = []
    notes: list[str] = []
    for person in eligible(article, contexts):
        review = latest.get(identifiers.login(person.github))
        if review is None or review.state not in (ReviewState.APPROVED, ReviewState.CHANGES_REQUESTED):
            continue
        seen = text_seen(review, article.id, paths, article_at)
        if seen is None:
            notes.append(
                f"{article.path}: the {review.state.lower()} review by {person.github} ({review.where}) was given on "
                "a commit "
                f"{'this clone does not have' if review.commit else 'GitHub did not name'} or without this article: "
                "no record written"
            )
            continue
        date = review.date
        if not all(ctx.registry.people[person.id].active_on(date) for ctx in contexts) or date > contexts[0].today:
            notes.append(
                f"{article.path}: the review by {person.github} ({review.where}) is dated {date}, outside "
                f"{person.id}'s term on the board or in the future: no record written"
            )
            continue
        created = article.fields.created
        if created and date < created:
            notes.append(
                f"{article.path}: the review by {person.github} ({review.where}) is dated {date} (UTC, GitHub's "
                f"submitted_at), before the article's `created` ({created}): no record written, as validate would "
                "refuse it (E601); write `created` as a UTC day (or the day before), then ask for the review again"
            )
            continue
        if review.state == ReviewState.APPROVED:
            if seen != article.digest:
                notes.append(
                    f"{article.path}: {person.github} approved commit {review.commit[:10]} ({review.where}), where "
                    "the text differs from the head: "
                    "no record written (an approval counts only for the text its reviewer saw; they approve the "
                    "current commit)"
                )
                continue
            decision = Decision.APPROVED
        else:
            decision = Decision.CHANGES_REQUESTED
        if _last_decision(article, person.id, seen, since) == decision:
            continue  # already recorded: running again writes nothing
        record = {"reviewer": person.id, "decision": decision, "date": date, "digest": seen}
        note = plain_note(review.body)
        if note:
            record["note"] = note
        record.update(edit.signature(person, contexts[0].policy, decision, review.utc, review.commit, review.url))
        due.append(Due(record, person, review))
    due.sort(key=lambda d: d.review.sort_key)
    return due, notes


W_UNRECORDED = "W910"  # a board review on GitHub that the article does not hold yet


def unrecorded(
    article: Article,
    paths: Sequence[str | None],
    contexts: Sequence[Context],
    latest: dict[str, Review],
    article_at: ArticleAt,
    commit: str = "",
    since: int = 0,
) -> list[Problem]:
    """A warning for each board review on GitHub that `record-reviews` would write: the
    board has decided, but the article does not say so yet (a pull request merged now
    would leave it unapproved)."""
    due, _ = due_records(article, paths, contexts, latest, article_at, since)
    line, col = article.pos("review_status")
    return [
        Problem(
            article.path,
            line,
            col,
            W_UNRECORDED,
            f"`{d.person.github}` ({d.person.id}) {_did(d)} this text on GitHub ({d.review.where}), but the article "
            "has no record of it yet; the record-reviews workflow writes it, or run "
            "`editorial record-reviews --base BASE --reviews FILE` on the branch",
            commit,
        )
        for d in due
    ]


def _did(due: Due) -> str:
    return "approved" if due.record["decision"] == Decision.APPROVED else "requested changes to"


def _last_decision(article: Article, reviewer: str, digest: str, since: int = 0) -> str:
    decisions = [
        r.decision for r in article.reviews if r.index >= since and r.reviewer == reviewer and r.digest == digest
    ]
    return decisions[-1] if decisions else ""


def plan(article: Article, data: bytes, contexts: Sequence[Context], due: list[Due], since: int = 0) -> list[Step]:
    """The commits that write `due` into the article: every one a legal transition.
    `since`: the records the base branch has; only those after them can approve it here (as
    check-transitions counts them). Raises edit.EditError when the file cannot be edited safely."""
    if not due:
        return []
    steps: list[Step] = []
    # The latest decision about the current text decides, as if each review had been recorded
    # in its turn: a request for changes sends the article back, unless an approval came after.
    current = [d for d in due if d.record["digest"] == article.digest]
    sends_back = bool(current) and current[-1].record["decision"] == Decision.CHANGES_REQUESTED
    status = article.status
    if status == Status.SUBMITTED or (status == Status.APPROVED and sends_back):
        data = edit.set_status(data, article, Status.UNDER_REVIEW, clear_next_review=status == Status.APPROVED)
        steps.append(Step(data, status, Status.UNDER_REVIEW, ()))
        article = reload(article.path, data)
        status = Status.UNDER_REVIEW
    if status not in (Status.UNDER_REVIEW, Status.APPROVED):
        raise edit.EditError(
            f"{article.path}: review_status is `{status or '(none)'}`; records are written only to an article in review"
        )
    final, next_review, clear = status, None, False
    if status == Status.UNDER_REVIEW:
        if sends_back:
            final, clear = Status.SUBMITTED, True
        else:
            reviewed = _with_records(article, [d.record for d in due])
            if all(workflow.quorum_met(reviewed, ctx, since) for ctx in contexts):
                final = Status.APPROVED
                next_review = min(
                    workflow.review_due(workflow.last_approval_date(reviewed, ctx), ctx) for ctx in contexts
                )
    for number, item in enumerate(due):
        last = number == len(due) - 1
        data = edit.add_review(
            data,
            article,
            item.record,
            final if last else status,
            next_review if last else None,
            clear_next_review=clear and last,
        )
        article = reload(article.path, data)
    steps.append(Step(data, status, final, tuple(due)))
    return steps


def _with_records(article: Article, records: list[dict]) -> Article:
    return Article(
        article.path,
        {**article.meta, "reviews": [*_log(article), *records]},
        article.body,
        article.body_line,
        article.located,
        article.digest,
    )


def _log(article: Article) -> list:
    """The article's review log as written (records as mappings)."""
    value = article.meta.get("reviews")
    return list(value) if isinstance(value, list) else []


def reload(path: str, data: bytes) -> Article:
    """The article the edited bytes hold (edit.py proved they read back)."""
    article, problems = load_article(path, data)
    if article is None:  # edit.py proved it reads back; this is a second, cheap guard
        raise edit.EditError(
            f"{path}: the edited file cannot be read back ({problems[0].message if problems else 'unknown'})"
        )
    return article


def commit_message(path: str, step: Step) -> str:
    if not step.records:
        title = f"Start the review of {path}: {step.before} -> {step.after}"
        body = "A board member reviewed it on GitHub; its records follow in the next commit."
        return f"{title}\n\n{body}\n"
    title = (
        f"Record board reviews of {path}: {step.before} -> {step.after}"
        if step.before != step.after
        else f"Record board reviews of {path}"
    )
    lines = [
        f"- {d.record['decision']} by {d.person.id} ({d.person.github}) on {d.record['date']}, "
        f"digest {d.record['digest'][:19]}…: {d.review.url or 'review ' + str(d.review.id)}"
        for d in step.records
    ]
    return (
        f"{title}\n\nWritten by `editorial record-reviews` from the pull request's reviews on GitHub:\n"
        + "\n".join(lines)
        + "\n"
    )


# -- a retracted source kept on purpose, as a board member's GitHub review says -------------
# A line of a review's text, e.g. "Keep retracted source: koljonen2021" (the reference's id).
KEEP_SOURCE = re.compile(
    r"^[ \t]*keep retracted source[ \t]*:[ \t]*`?([A-Za-z0-9][A-Za-z0-9_:.-]*)`?[ \t.]*$", re.I | re.M
)


@dataclass(frozen=True)
class Kept:
    """A reference a board member keeps on purpose, and the review that says so."""

    index: int  # its place in `references`
    key: str
    person: Person
    review: Review


def kept_sources(
    article: Article,
    paths: Sequence[str | None],
    contexts: Sequence[Context],
    reviews: dict[str, list[Review]],
    article_at: ArticleAt,
) -> tuple[list[Kept], list[str]]:
    """The references that board members' reviews keep on purpose (KEEP_SOURCE in the review's
    text, by a member who may review the article, on a commit that holds it), and notes on
    the phrases that keep nothing. `reviews`: every submitted review, by login
    (reviews.by_login). Only a reference with a retraction notice (or an expression of concern)
    that its `retraction_acknowledged` does not cover yet is kept; the latest such review dates it."""
    kept: dict[str, Kept] = {}
    notes: list[str] = []
    refs = list(article.references)
    for person in eligible(article, contexts):
        for review in sorted(reviews.get(person.github.lower(), ()), key=lambda r: r.sort_key):
            for key in KEEP_SOURCE.findall(review.body):
                why = _cannot_keep(article, key, review, person, contexts, paths, article_at)
                if why:
                    notes.append(f"{article.path}: {person.github} asks to keep `{key}` ({review.where}): {why}")
                    continue
                index = next(i for i, ref in enumerate(refs) if str(ref.get("id")) == key)
                kept[key] = Kept(index, key, person, review)
    return sorted(kept.values(), key=lambda k: k.index), notes


def _cannot_keep(
    article: Article,
    key: str,
    review: Review,
    person: Person,
    contexts: Sequence[Context],
    paths: Sequence[str | None],
    article_at: ArticleAt,
) -> str:
    """Why a review's phrase keeps nothing ("" when it keeps the reference)."""
    ref = next((r for r in article.references if str(r.get("id")) == key), None)
    if ref is None:
        return "the article has no reference with that id"
    if text_seen(review, article.id, paths, article_at) is None:
        return "the review was given on a commit without this article, or one this clone does not have"
    if not review.date or review.date > contexts[0].today:
        return "the review has no date, or one in the future"
    if not all(ctx.registry.people[person.id].active_on(review.date) for ctx in contexts):
        return f"{person.id} was not on the board on {review.date}"
    found = [
        f
        for ctx in contexts
        for f in retractions.findings(retractions.cited_works(article), ctx.retractions)
        if f.key == key and f.notice.nature in (retractions.RETRACTION, retractions.CONCERN)
    ]
    if not found:
        return "the retraction snapshot has no retraction or expression of concern for it: nothing to keep"
    if all(f.notice.date > review.date for f in found):
        return "the review is older than the notice, so it cannot have weighed it"
    if str(ref.get("retraction_acknowledged") or "") >= review.date:
        return "already kept"
    return ""


def keep_step(article: Article, data: bytes, kept: list[Kept]) -> Step:
    """The commit that writes the acknowledgements: each reference's `retraction_acknowledged`
    dated its review's day. That changes the text, so an approved article goes back to
    `under_review` in the same commit (and the board approves the new text). Raises
    edit.EditError when the file cannot be edited safely."""
    for item in kept:
        data = edit.acknowledge_retraction(data, article, item.index, item.review.date)
        article = reload(article.path, data)
    after = Status.UNDER_REVIEW if article.status == Status.APPROVED else article.status
    if after != article.status:
        data = edit.set_status(data, article, after, clear_next_review=True)
    return Step(data, article.status, after, ())


def keep_message(path: str, step: Step, kept: list[Kept]) -> str:
    moved = f": {step.before} -> {step.after}" if step.before != step.after else ""
    lines = [
        f"- `{k.key}` kept by {k.person.id} ({k.person.github}) on {k.review.date}: {k.review.where}" for k in kept
    ]
    return (
        f"Keep retracted source{'s' if len(kept) > 1 else ''} in {path}{moved}\n\n"
        "Written by `editorial record-reviews` from the board's reviews on GitHub (\"Keep retracted source: "
        '<reference id>"): `retraction_acknowledged` on each reference. The text changed, so the board approves '
        "it again.\n" + "\n".join(lines) + "\n"
    )
