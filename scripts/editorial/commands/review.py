"""`editorial review FILE ...`: a board member's review recorded by hand (the offline alternative to GitHub)."""

from __future__ import annotations

import argparse
import sys

from ..clock import now_utc, today
from ..core import edit, report
from ..core.vocabulary import CONFIG
from ..workspace import Workspace, write_atomic
from ._shared import OK, PROBLEMS, absolute, read_article


def run(args: argparse.Namespace, ws: Workspace) -> int:
    found = read_article(args.file, ws)
    if found is None:
        return PROBLEMS
    article, data = found
    corpus = ws.corpus([])  # the registry and the policy, no articles
    blocking = [p for p in corpus.problems if p.is_error and p.path in (CONFIG, corpus.registry.path)]
    if blocking:
        print(report.render(blocking, "text", 0), file=sys.stderr)
        return PROBLEMS
    try:
        # a review recorded as it is done carries its time; one dated by hand, only its day
        at = "" if args.date else now_utc()
        plan = edit.plan_review(
            article, corpus.context, args.reviewer, args.decision, args.date or today(), args.note, at
        )
        write_atomic(
            absolute(args.file),
            edit.add_review(data, article, plan.record, plan.status, plan.next_review, plan.clear_next_review),
        )
    except edit.EditError as exc:
        print(f"editorial: {exc}", file=sys.stderr)
        return PROBLEMS
    moved = f", next_review {plan.next_review}" if plan.next_review else ""
    print(
        f"{article.path}: {args.decision} by {args.reviewer} recorded; review_status {article.status} -> "
        f"{plan.status}{moved}"
    )
    return OK
