"""`editorial start-review FILE`: a `submitted` or `approved` article moved to `under_review`."""

from __future__ import annotations

import argparse
import sys

from ..core import edit
from ..core.vocabulary import Status
from ..workspace import Workspace, write_atomic
from ._shared import OK, PROBLEMS, absolute, read_article


def run(args: argparse.Namespace, ws: Workspace) -> int:
    found = read_article(args.file, ws)
    if found is None:
        return PROBLEMS
    article, data = found
    try:
        clear = edit.plan_start_review(article)
        write_atomic(absolute(args.file), edit.set_status(data, article, Status.UNDER_REVIEW, clear_next_review=clear))
    except edit.EditError as exc:
        print(f"editorial: {exc}", file=sys.stderr)
        return PROBLEMS
    cleared = (
        " (next_review removed: the new text needs a new approval)" if clear and "next_review" in article.meta else ""
    )
    print(f"{article.path}: review_status {article.status} -> under_review{cleared}")
    return OK
