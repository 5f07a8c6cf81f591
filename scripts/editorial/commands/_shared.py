"""What the commands share: exit statuses, reading an article or a reviews file named on the
command line, and printing problems in the format asked for."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..core import report, reviews
from ..core.loader import load_article
from ..core.model import Article, Problem
from ..workspace import Workspace, WorkspaceError, read_capped

OK, PROBLEMS, CANNOT_RUN = 0, 1, 2  # the contract's exit statuses


def emit(problems: Sequence[Problem], fmt: str, files: int, notes: Iterable[str] = ()) -> int:
    """Print the problems (and notes) as `fmt` asks; the exit status they make."""
    notes = list(notes)
    print(report.render(problems, fmt, files, notes))
    if fmt == "json":  # stdout stays a JSON list; the notes and the summary go to stderr
        text = report.render(problems, "text", files, notes).splitlines()
        for line in text:
            if line.startswith("note: "):
                print(line, file=sys.stderr)
        print(text[-1], file=sys.stderr)
    return PROBLEMS if any(p.is_error for p in problems) else OK


def absolute(path: Path) -> Path:
    """A path named on the command line, from the folder the command runs in."""
    return path if path.is_absolute() else Path.cwd() / path


def read_article(path: Path, ws: Workspace) -> tuple[Article, bytes] | None:
    """The article at `path` and its bytes, or None after printing why not."""
    source = ws.source(absolute(path))
    if source.data is None:
        assert source.problem is not None  # the workspace always says why it could not read a file
        print(report.text_line(source.problem), file=sys.stderr)
        return None
    article, problems = load_article(source.path, source.data)
    if article is None:
        print(report.text_line(problems[0]), file=sys.stderr)
        return None
    return article, source.data


def read_reviews(path: Path) -> list[reviews.Review]:
    """GitHub's review list from FILE (`-` for standard input), or exit 2 saying why not."""
    try:
        data = (
            sys.stdin.buffer.read(reviews.MAX_BYTES + 1)
            if str(path) == "-"
            else read_capped(path, reviews.MAX_BYTES + 1)
        )
    except OSError as exc:
        raise WorkspaceError(f"cannot read --reviews {path}: {exc.strerror or exc}") from None
    try:
        return reviews.parse(data, f"--reviews {path}")
    except reviews.ReviewsError as exc:
        raise WorkspaceError(str(exc)) from None
