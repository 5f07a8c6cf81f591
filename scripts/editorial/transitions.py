"""Every commit of a pull request obeys the review workflow. Pure: handed bytes.

For each commit, each changed article is compared with its version in the parent
commit: the state machine (workflow.TRANSITIONS), the append-only review log, the
stable id, the rule that changed content leaves `approved`, and who may approve.

Reviewers are judged against the registry of the BASE commit and of the head, and
must pass both: a pull request that adds its author to the board in people.yml
cannot approve its own article, and one that removes a member cannot keep their
fresh approval either. Logins come from the base registry, so a pull request
cannot point a board member's `github` at someone else.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import retractions, workflow
from .loader import load_article
from .model import Article, Context, Problem

E_NEW = "E901"  # new article not `submitted`, or with reviews
E_MOVE = "E902"  # a move the state machine does not allow
E_LOG = "E903"  # a review record removed or edited
E_ID = "E904"  # id changed
E_STALE = "E905"  # content changed but still approved
E_DELETE = "E906"  # approved article deleted without the board
E_LOGIN = "E907"  # review record added by someone not among the PR's approvers
E_QUORUM = "E908"  # approved without a valid quorum
E_REVIEWER = "E909"  # review record added by someone who cannot review this article
E_RETRACTED = "E912"  # approved while citing a paper the snapshot lists as retracted
W_UNREADABLE = "W900"  # a version git holds cannot be read; judged across it


@dataclass(frozen=True)
class Version:
    """One side of a change: where the file was and its bytes (None: absent)."""

    path: str | None
    data: bytes | None


@dataclass(frozen=True)
class Judges:
    """Everything a change is judged against."""

    base: Context  # registry and policy at the base commit
    head: Context  # registry and policy at the head commit
    approvers: frozenset[str] | None  # lower-case GitHub logins; None: not checked

    def contexts(self) -> tuple[Context, ...]:
        return (self.base, self.head)


def judges(base: Context, head: Context, approvers: Iterable[str] | None) -> Judges:
    logins = None if approvers is None else frozenset(a.strip().lstrip("@").lower() for a in approvers if a.strip())
    return Judges(base, head, logins)


def check_commit(commit: str, changes: Sequence[tuple[Version, Version]], judges_: Judges,
                 carried: dict[str, Article]) -> list[Problem]:
    """Problems of one commit; `carried` keeps an article across commits where it
    could not be read, so an unreadable version never hides a status jump."""
    problems: list[Problem] = []
    pairs: list[tuple[Article | None, Article | None]] = []
    for old_v, new_v in changes:
        old = _load(old_v, commit, problems, carried, side="old")
        new = _load(new_v, commit, problems, carried, side="new", previous=old)
        if old_v.data is not None and old is None and new_v.data is not None and new is None:
            continue  # unreadable before and after: carried on
        if new_v.data is not None and new is None:
            continue  # unreadable now: judged at its next readable version
        pairs.append((old, new))
    for old, new in _match_by_id(pairs):
        problems.extend(judge_change(old, new, judges_, commit))
    return problems


def _load(version: Version, commit: str, problems: list[Problem], carried: dict[str, Article], side: str,
          previous: Article | None = None) -> Article | None:
    if version.data is None or version.path is None:
        return None
    if side == "old" and version.path in carried:
        return carried.pop(version.path)
    article, load_problems = load_article(version.path, version.data)
    if article is None and side == "new":
        first = load_problems[0] if load_problems else None
        why = f"{first.code} {first.message}" if first else "it cannot be read"
        problems.append(Problem(version.path, first.line if first else 1, first.column if first else 1, W_UNREADABLE,
                                f"this version cannot be read ({why}); it is judged against the next commit that fixes it", commit))
        if previous is not None:
            carried[version.path] = previous
    return article


def unreadable_at_head(versions: Iterable[Version], commit: str) -> list[Problem]:
    """A range may pass through a version that cannot be read (W900), but must not end on
    one: what cannot be read cannot be judged, so it never passes (fail closed)."""
    problems = []
    for version in versions:
        if version.data is None or version.path is None:
            continue
        article, load_problems = load_article(version.path, version.data)
        if article is None:
            first = load_problems[0] if load_problems else Problem(version.path, 1, 1, "E199", "the file cannot be read")
            problems.append(Problem(version.path, first.line, first.column, first.code,
                                    f"{first.message} (the branch ends with this version, so its review workflow cannot be checked)", commit))
    return problems


def _match_by_id(pairs: list[tuple[Article | None, Article | None]]) -> list[tuple[Article | None, Article | None]]:
    """A file deleted and another added with the same id in one commit is a move
    git did not recognise (it changed too much): the same article."""
    deleted = {old.id: i for i, (old, new) in enumerate(pairs) if new is None and old is not None and old.id}
    matched: list[tuple[Article | None, Article | None]] = []
    used: set[int] = set()
    for i, (old, new) in enumerate(pairs):
        if old is None and new is not None and new.id in deleted and deleted[new.id] not in used:
            j = deleted[new.id]
            used.add(j)
            matched.append((pairs[j][0], new))
        else:
            matched.append((old, new))
    return [pair for i, pair in enumerate(matched) if i not in used]


def judge_change(old: Article | None, new: Article | None, judges_: Judges, commit: str) -> list[Problem]:
    """Problems of one article's change within one commit."""
    if new is None:
        return _judge_deletion(old, judges_, commit) if old is not None else []
    if old is None:
        return _judge_new(new, commit)
    problems: list[Problem] = []
    where = lambda *key: new.pos(*key)  # noqa: E731 - positions in the new version
    if old.id != new.id:
        line, col = where("id")
        problems.append(Problem(new.path, line, col, E_ID, f"`id` changed from `{old.id}` to `{new.id}`; an article's id never changes (links and approvals hang on it); put `{old.id}` back", commit))
    moved_ok = workflow.allowed(old.status, new.status)
    if not moved_ok:
        line, col = where("review_status")
        problems.append(Problem(new.path, line, col, E_MOVE, _illegal_move(old.status, new.status), commit))
    added, log_problems = _appended_reviews(old, new, commit)
    problems.extend(log_problems)
    if old.status == "approved" and new.status == "approved" and old.digest != new.digest:
        line, col = where("review_status")
        problems.append(Problem(new.path, line, col, E_STALE,
                                "the content of this approved article changed but it stayed `approved`; an approval covers the exact content the board read, so set `review_status: under_review` in this commit and ask for a new review", commit))
    problems.extend(_judge_added_reviews(new, added, judges_, commit))
    if new.status == "approved" and moved_ok and (old.status != "approved" or added or log_problems):
        problems.extend(_judge_quorum(new, judges_, commit))
    if new.status == "approved" and old.status != "approved":
        problems.extend(_judge_retracted_sources(new, judges_, commit))
    return problems


def _illegal_move(before: str, after: str) -> str:
    if before == "submitted" and after == "approved":
        return "`review_status` jumped from `submitted` to `approved`; an article goes to `under_review` first (`editorial start-review`), then the board reviews it (`editorial review`)"
    moves = ", ".join(f"{a} -> {b}" for a, b in sorted(workflow.TRANSITIONS))
    return f"`review_status` moved from `{before or '(none)'}` to `{after or '(none)'}`, which the review workflow does not allow (allowed: {moves})"


def _judge_new(new: Article, commit: str) -> list[Problem]:
    problems = []
    if new.status != "submitted":
        line, col = new.pos("review_status")
        problems.append(Problem(new.path, line, col, E_NEW, f"a new article starts as `review_status: submitted`, not `{new.status or '(none)'}`; the board approves it in a later commit", commit))
    if new.reviews:
        line, col = new.pos("reviews")
        problems.append(Problem(new.path, line, col, E_NEW, "a new article starts with `reviews: []`; review records are added by `editorial review` once it is under review", commit))
    return problems


def _judge_deletion(old: Article, judges_: Judges, commit: str) -> list[Problem]:
    if old.status != "approved":
        return []
    if judges_.approvers is not None:
        board = {login for ctx in (judges_.base,) for login, person in ctx.registry.board_logins().items()
                 if person.active_on(ctx.today)}
        if board & judges_.approvers:
            return []
        why = "none of the pull request's approvers is an active board member"
    else:
        why = "no --approvers were given, so the board's consent cannot be confirmed"
    return [Problem(old.path, 1, 1, E_DELETE, f"an approved article was deleted (or moved out of content/articles) and {why}; a board member must approve the pull request", commit)]


def _appended_reviews(old: Article, new: Article, commit: str) -> tuple[list[int], list[Problem]]:
    """Indexes of records appended in `new`, and problems if the log did not only grow."""
    before, after = _raw_reviews(old), _raw_reviews(new)
    problems = []
    for index, record in enumerate(before):
        if index >= len(after):
            line, col = new.pos("reviews")
            problems.append(Problem(new.path, line, col, E_LOG, f"review record {index + 1} (by `{_reviewer(record)}`) was removed; `reviews` is an append-only log, put the record back", commit))
            break
        if after[index] != record:
            line, col = new.pos("reviews", index)
            problems.append(Problem(new.path, line, col, E_LOG, f"review record {index + 1} (by `{_reviewer(record)}`) was edited; records are never changed, restore it and append a new one instead", commit))
    if problems:
        return [], problems
    return list(range(len(before), len(after))), []


def _raw_reviews(article: Article) -> list:
    value = article.meta.get("reviews")
    return value if isinstance(value, list) else []


def _reviewer(record) -> str:
    return str(record.get("reviewer", "?")) if isinstance(record, dict) else "?"


def _judge_added_reviews(new: Article, added: list[int], judges_: Judges, commit: str) -> list[Problem]:
    problems = []
    reviews = _raw_reviews(new)
    for index in added:
        record = reviews[index] if isinstance(reviews[index], dict) else {}
        reviewer, date = _reviewer(record), str(record.get("date", ""))
        line, col = new.pos("reviews", index)
        reason = _cannot_review(new, reviewer, date, judges_)
        if reason:
            problems.append(Problem(new.path, line, col, E_REVIEWER, reason, commit))
        if judges_.approvers is None:
            continue
        person = judges_.base.registry.get(reviewer)
        login = person.github.lower() if person and person.github else ""
        if not login or login not in judges_.approvers:
            shown = f"GitHub login `{person.github}`" if login else "no GitHub login in the base registry"
            problems.append(Problem(new.path, line, col, E_LOGIN,
                                    f"review record by `{reviewer}` ({shown}) is not confirmed: that login has not approved the pull request; the board member must approve it on GitHub", commit))
        elif not (person.is_board and person.active_on(judges_.base.today)):
            # The pull-request approval happens now, so only a member serving now confirms
            # a record; this also stops a record backdated into a former member's term.
            problems.append(Problem(new.path, line, col, E_LOGIN,
                                    f"review record by `{reviewer}` is confirmed by `{person.github}`, but `{reviewer}` is not on the board today ({judges_.base.today}); only a serving board member's approval confirms a review", commit))
    return problems


def _cannot_review(article: Article, reviewer: str, date: str, judges_: Judges) -> str:
    if reviewer in article.authors:
        return f"`{reviewer}` is an author of this article and cannot review it; ask another board member"
    for ctx, which in ((judges_.base, "the base branch's"), (judges_.head, "this commit range's")):
        person = ctx.registry.get(reviewer)
        if person is None or not person.is_board:
            return f"`{reviewer}` is not a Medical Advisory Board member in {which} {ctx.registry.path}; only board members review (changes to the registry count once merged)"
        if not person.active_on(date):
            return f"`{reviewer}` was not on the board on {date or '(no date)'} (serves {person.since or '?'} to {person.until or 'now'}) according to {which} {ctx.registry.path}"
    return ""


def _judge_retracted_sources(new: Article, judges_: Judges, commit: str) -> list[Problem]:
    """No article becomes approved citing a paper that the Retraction Watch snapshot of the
    base or of the head lists as retracted, unless the reference acknowledges it."""
    refs = new.meta.get("references")
    for ctx in judges_.contexts():
        found = retractions.blocking(refs if isinstance(refs, list) else [], getattr(ctx, "retractions", None))
        if found:
            line, col = new.pos("review_status")
            return [Problem(new.path, line, col, E_RETRACTED, f"`approved` at this commit, but {retractions.refusal(found)}", commit)]
    return []


def _judge_quorum(new: Article, judges_: Judges, commit: str) -> list[Problem]:
    for ctx in judges_.contexts():
        if not workflow.quorum_met(new, ctx):
            counted = workflow.approvers(new, ctx)
            line, col = new.pos("review_status")
            extra = " sharing a specialty with the article" if ctx.policy.specialty_match else ""
            return [Problem(new.path, line, col, E_QUORUM,
                            f"`approved` without a valid quorum at this commit: {len(counted)} counted approval(s) of this content ({', '.join(counted) or 'none'}), the policy needs {ctx.policy.min_approvals}{extra}, from active board members who are not authors; keep it `under_review` until enough board members approve", commit)]
    return []
