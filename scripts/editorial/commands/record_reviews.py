"""`editorial record-reviews`: the review records GitHub's reviews prove, written into each
article the pull request changes and committed, one commit per status step (core/record.py
decides what is written; this reads git, writes and commits)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..clock import today
from ..committed import Committed
from ..core import edit, report, transitions
from ..core.loader import load_article
from ..core.model import Article, Context, Problem
from ..core.record import Kept, Step, commit_message, due_records, keep_message, keep_step, kept_sources, plan, reload
from ..core.reviews import Review, by_login, latest_decisions
from ..git import GitError, Repository
from ..workspace import Workspace, write_atomic
from ._shared import OK, PROBLEMS, read_reviews

E_UNWRITABLE = "E914"  # the records cannot be written into the file safely


@dataclass
class Result:
    lines: list[str]  # one per record written
    notes: list[str]  # reviews that proved nothing, and why
    problems: list[Problem]
    commits: list[str]


def record_reviews(
    root: Path, base_ref: str, head_ref: str, reviews: Sequence[Review], day: str | None = None
) -> Result:
    day = day or today()
    lines: list[str] = []
    problems: list[Problem] = []
    commits: list[str] = []
    notes: list[str] = []
    with Repository(root) as repo:
        committed = Committed(repo)
        base = repo.resolve(base_ref, "base")
        head = repo.resolve(head_ref, "head")
        checked_out = repo.resolve("HEAD", "head")
        if head != checked_out:
            raise GitError(
                f"--head {head_ref} is not the checked-out commit; record-reviews commits on the checked-out branch: "
                f"check out {head_ref} first"
            )
        contexts = committed.context_pair(base, head, day, notes, problems)
        if any(p.is_error for p in problems):
            return Result(lines, notes, problems, commits)
        latest = latest_decisions(reviews)
        every = by_login(reviews)
        for change in repo.net_changes_checked(base, head):
            old_side, new_side = change.article_sides()
            if new_side is None:
                continue
            path, blob = new_side
            data = repo.blob(blob)
            article, load_problems = load_article(path, data) if data is not None else (None, [])
            if article is None or data is None:
                problems.extend(p for p in load_problems[:1])
                continue
            repo.require_clean(path)
            at_base = load_article(old_side[0], repo.blob(old_side[1]) or b"")[0] if old_side else None
            since = transitions.records_before(at_base, article)
            paths = (article.path, change.old_path)
            kept, kept_notes = kept_sources(article, paths, contexts, every, committed.article_at)
            notes.extend(kept_notes)
            if kept:  # first the sources the board keeps, then the reviews (an approval is of the new text)
                done = _keep(repo, contexts, article, data, kept, Result(lines, notes, problems, commits))
                if done is None:
                    continue
                article, data = done
            due, due_notes = due_records(article, paths, contexts, latest, committed.article_at, since)
            notes.extend(due_notes)
            try:
                steps = plan(article, data, contexts, due, since)
            except edit.EditError as exc:
                line, col = article.pos("reviews")
                problems.append(
                    Problem(
                        path,
                        line,
                        col,
                        E_UNWRITABLE,
                        f"the review records GitHub's reviews prove cannot be written: {exc}",
                    )
                )
                continue
            previous = article
            for step in steps:
                written = _commit(repo, contexts, previous, step, commit_message(path, step), problems, commits)
                if written is None:
                    break
                previous = written
                for item in step.records:
                    moved = (
                        f"; review_status {steps[0].before} -> {step.after}"
                        if steps[0].before != step.after and item is step.records[-1]
                        else ""
                    )
                    lines.append(
                        f"{path}: {item.record['decision']} by {item.person.id} ({item.person.github}, "
                        f"{item.review.url or 'review ' + str(item.review.id)}) recorded{moved}"
                    )
    return Result(lines, notes, problems, commits)


def _commit(
    repo: Repository,
    contexts: tuple[Context, Context],
    previous: Article,
    step: Step,
    message: str,
    problems: list[Problem],
    commits: list[str],
) -> Article | None:
    """Write and commit one step, unless check-transitions would refuse it (then its problems,
    and None); the article as the step leaves it."""
    written = reload(previous.path, step.data)
    illegal = [
        p for p in transitions.judge_change(previous, written, transitions.judges(*contexts, None), "") if p.is_error
    ]
    if illegal:  # never commit what check-transitions would refuse
        problems.extend(illegal)
        return None
    write_atomic(repo.root / (repo.prefix + previous.path), step.data)
    commits.append(repo.commit(previous.path, message))
    return written


def _keep(
    repo: Repository, contexts: tuple[Context, Context], article: Article, data: bytes, kept: list[Kept], result: Result
) -> tuple[Article, bytes] | None:
    """Commit the retracted sources the board keeps (record.keep_step); the article and its bytes after."""
    path = article.path
    try:
        step = keep_step(article, data, kept)
    except edit.EditError as exc:
        line, col = article.pos("references")
        result.problems.append(
            Problem(path, line, col, E_UNWRITABLE, f"the retracted sources kept cannot be written: {exc}")
        )
        return None
    written = _commit(repo, contexts, article, step, keep_message(path, step, kept), result.problems, result.commits)
    if written is None:
        return None
    moved = f"; review_status {step.before} -> {step.after}" if step.before != step.after else ""
    result.lines += [
        f"{path}: reference {k.key} kept on purpose by {k.person.id} ({k.person.github}, {k.review.where}): "
        f"retraction_acknowledged {k.review.date}{moved}"
        for k in kept
    ]
    return written, step.data


def run(args: argparse.Namespace, ws: Workspace) -> int:
    found = read_reviews(args.reviews)
    result = record_reviews(ws.root, args.base, args.head, found)
    for line in result.lines:
        print(line)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    for problem in result.problems:
        print(report.text_line(problem), file=sys.stderr)
    if not result.lines and not result.problems:
        print("no review records were due: nothing written", file=sys.stderr)
    return PROBLEMS if any(p.is_error for p in result.problems) else OK
