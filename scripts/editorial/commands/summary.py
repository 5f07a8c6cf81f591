"""`editorial summary`: the pull request's job summary. This reads the range from git;
core/summary.py renders what it found."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from .. import citeproc_speedup
from ..clock import today
from ..committed import Committed, approved_versions
from ..core import citations, identifiers, review_history
from ..core.loader import decode, load_article
from ..core.model import Context
from ..core.reviews import Review, latest_decisions, text_seen
from ..core.summary import Changed, Decision, Summary, render
from ..git import Repository
from ..workspace import Workspace
from ._shared import OK, read_reviews


def gather(
    root: Path, base_ref: str, head_ref: str, reviews: Sequence[Review] | None, day: str | None = None
) -> tuple[Summary, tuple[Context, Context], str]:
    """The changed articles of base..head as the summary shows them, the context to show
    them in, and the citation style. Raises history.GitError when git cannot answer."""
    day = day or today()
    summary = Summary()
    with Repository(root) as repo:
        committed = Committed(repo)
        base = repo.resolve(base_ref, "base")
        head = repo.resolve(head_ref, "head")
        base_ctx, head_ctx = committed.context_pair(base, head, day, [], [])
        latest = latest_decisions(reviews or ())
        logins = {
            login: person
            for login, person in (
                (identifiers.login(p.github), p) for p in base_ctx.registry.people.values() if p.github
            )
        }
        for change in repo.net_changes_checked(base, head):
            old_side, new_side = change.article_sides()
            if not old_side and not new_side:
                if change.new_path and change.new_blob:
                    summary.others.append(change.new_path)
                    text, _ = decode(change.new_path, repo.blob(change.new_blob) or b"")
                    if text is not None:  # not an image, not binary: shown as written
                        summary.texts[change.new_path] = text
                elif change.old_path:
                    summary.others.append(change.old_path)
                continue
            before = load_article(old_side[0], repo.blob(old_side[1]) or b"")[0] if old_side else None
            if not new_side:
                if old_side:
                    summary.articles.append(Changed(old_side[0], None, before))
                continue
            path = new_side[0]
            article, problems = load_article(path, repo.blob(new_side[1]) or b"")
            if article is None:
                summary.articles.append(
                    Changed(path, None, before, unreadable=problems[0].message if problems else "unknown")
                )
                continue
            decisions = []
            for login, review in sorted(latest.items()):
                found = text_seen(review, article.id, (path, change.old_path), committed.article_at)
                decisions.append(Decision(review.shown_login, logins.get(login), review, found))
            # the version a revision is compared with: the last one approved on the base's branch
            approved = review_history.last_approved(
                (
                    review_history.Committed(v.commit, v.path, v.article)
                    for v in approved_versions(repo, base, [p for p in (change.old_path, path) if p])
                ),
                article,
                base_ctx,
            )
            summary.articles.append(Changed(path, article, before, tuple(decisions), approved=approved))
        # counted against both, as check-transitions counts them; names and style from the base
        return summary, (base_ctx, head_ctx), base_ctx.policy.citation_style or citations.DEFAULT_STYLE


def run(args: argparse.Namespace, ws: Workspace) -> int:
    found = None if args.reviews is None else read_reviews(args.reviews)
    citeproc_speedup.apply()  # a summary may render many references
    result, contexts, style = gather(ws.root, args.base, args.head, found)
    print(render(result, contexts, style))
    return OK
