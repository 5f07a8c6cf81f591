"""`editorial new QUESTION --author ID`: a new article from its question, with the writer's to-do list."""

from __future__ import annotations

import argparse
import sys

from ..clock import today
from ..core import report, writer
from ..workspace import Workspace, WorkspaceError
from ._shared import OK, PROBLEMS


def run(args: argparse.Namespace, ws: Workspace) -> int:
    if len(args.question.strip()) < 10:
        raise WorkspaceError(
            'the question is too short to name an article; write it out in full, e.g. "Can a pump be refilled during '
            'sepsis?"'
        )
    slug = args.slug if args.slug is not None else writer.slugify(args.question)
    if args.slug is not None and writer.slug_problem(args.slug):
        raise WorkspaceError(f"--slug {writer.slug_problem(args.slug)}")
    if not slug:
        raise WorkspaceError(
            "no slug can be made from the question (it has no letters or digits); choose one with --slug"
        )
    corpus = ws.corpus()
    authors = []
    for author_id in dict.fromkeys(args.author):
        author = corpus.registry.get(author_id)
        if author is None:
            print(
                f"editorial: author `{author_id}` is not in {corpus.registry.path}; add them there or use your id "
                "from it",
                file=sys.stderr,
            )
            return PROBLEMS
        authors.append(author)
    path = ws.root / "content" / "articles" / f"{slug}.md"
    taken = next((a for a in corpus.articles if a.id == slug), None)
    if taken is not None or path.exists() or path.is_symlink():
        where = taken.path if taken is not None else ws.rel(path)
        print(
            f"editorial: an article with id `{slug}` already exists ({where}); edit it, or ask the question "
            "differently",
            file=sys.stderr,
        )
        return PROBLEMS
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # never overwrite
        handle.write(writer.new_article(args.question, authors, today(), slug))
    print(ws.rel(path))
    todo = [p for p in ws.corpus().problems if p.path == ws.rel(path)]
    print(
        f"written: {ws.rel(path)} (review_status: submitted). Your to-do list, from `editorial validate "
        f"{ws.rel(path)}`:",
        file=sys.stderr,
    )
    for problem in todo:
        print(f"  {report.text_line(problem)}", file=sys.stderr)
    print(
        "add the references you cite to `references` and cite them in both sections; then validate passes",
        file=sys.stderr,
    )
    print(
        f"next: commit it on a branch; when the draft is ready, `editorial start-review {ws.rel(path)}`, commit, push "
        "and open a pull request",
        file=sys.stderr,
    )
    return OK
