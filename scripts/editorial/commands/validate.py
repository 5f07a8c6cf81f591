"""`editorial validate [PATH ...]`: every check on all content, reported for the paths named."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core import codeowners
from ..core.vocabulary import CONFIG
from ..progress import terminal_counter
from ..workspace import Workspace, WorkspaceError
from ._shared import emit


def run(args: argparse.Namespace, ws: Workspace) -> int:
    # The whole corpus is always read (ids must be unique across all of it);
    # named paths only narrow what is reported.
    named: list[Path] = []
    for path in args.paths:
        path = path if path.is_absolute() else Path.cwd() / path
        if path.is_dir() and not path.is_symlink():
            named.extend(p for p in ws.article_paths() if _under(p, path))
        elif path.exists() or path.is_symlink():
            named.append(path)
        else:
            raise WorkspaceError(f"{path} does not exist")
    everything = ws.article_paths()
    known = {ws.rel(p) for p in everything}

    corpus = ws.corpus(
        everything + [p for p in named if ws.rel(p) not in known],
        progress=terminal_counter(len(everything)),
        remembered=True,
    )
    problems = corpus.problems + ws.content_problems(corpus.context.policy)
    if args.paths:
        wanted = {ws.rel(p) for p in named} | {CONFIG, corpus.registry.path}
        problems = [p for p in problems if p.path in wanted]
    problems = problems + _codeowners_problems(ws, corpus)
    return emit(problems, args.format, len(named) if args.paths else len(corpus.paths))


def _under(path: Path, folder: Path) -> bool:
    try:
        path.absolute().relative_to(folder.absolute())
        return True
    except ValueError:
        return False


def _codeowners_problems(ws: Workspace, corpus) -> list:
    """A committed .github/CODEOWNERS must still match the board in the registry."""

    path = ws.root / codeowners.PATH
    if not path.is_file():
        return []
    return codeowners.check(
        path.read_text(encoding="utf-8", errors="replace"),
        corpus.registry,
        corpus.context.today,
        corpus.context.policy.maintainers,
    )
