"""`editorial digest FILE ...`: the content digest of each file, as sha256sum prints hashes."""

from __future__ import annotations

import argparse
import sys

from ..core import report
from ..core.loader import load_article
from ..workspace import Workspace, read_no_follow
from ._shared import OK, PROBLEMS


def run(args: argparse.Namespace, ws: Workspace) -> int:
    status = OK
    for path in args.files:
        source = read_no_follow(path, str(path))  # a link or a device could make a reader wait for ever
        if source.data is None:
            assert source.problem is not None
            print(report.text_line(source.problem), file=sys.stderr)
            status = PROBLEMS
            continue
        article, problems = load_article(source.path, source.data)
        if article is None:
            print(report.render(problems, "text", 1).splitlines()[0], file=sys.stderr)
            status = PROBLEMS
        else:
            print(f"{article.digest}  {path}")
    return status
