"""`editorial queue`: what waits for whom."""

from __future__ import annotations

import argparse

from ..core import writer
from ..workspace import Workspace
from ._shared import OK


def run(args: argparse.Namespace, ws: Workspace) -> int:
    corpus = ws.corpus()
    print(writer.render_queue(writer.queue(corpus.articles, corpus.context), args.format))
    return OK
