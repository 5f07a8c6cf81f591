"""`editorial codeowners`: .github/CODEOWNERS from the registry and the policy."""

from __future__ import annotations

import argparse
import sys

from ..core import codeowners, report
from ..core.vocabulary import CONFIG
from ..workspace import Workspace
from ._shared import OK, PROBLEMS, emit


def run(args: argparse.Namespace, ws: Workspace) -> int:
    corpus = ws.corpus([])
    blocking = [p for p in corpus.problems if p.is_error and p.path in (corpus.registry.path, CONFIG)]
    if blocking:
        print(report.render(blocking, "text", 0), file=sys.stderr)
        return PROBLEMS
    path = ws.root / codeowners.PATH
    maintainers = corpus.context.policy.maintainers
    if args.check:
        current = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        return emit(codeowners.check(current, corpus.registry, corpus.context.today, maintainers), "text", 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(codeowners.generate(corpus.registry, corpus.context.today, maintainers), encoding="utf-8")
    print(f"wrote {codeowners.PATH}")
    return OK
