"""The `editorial` command: argument parsing and wiring only; the work is in the core."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import report
from .workspace import Workspace, WorkspaceError

OK, PROBLEMS, CANNOT_RUN = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with usage, as the contract says
        self.print_usage(sys.stderr)
        print(f"editorial: error: {message}", file=sys.stderr)
        raise SystemExit(CANNOT_RUN)


def _formats(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=report.FORMATS, default="text", help="text lines (default), GitHub Actions annotations, or JSON")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="editorial", description="Editorial pipeline for reviewed medical Q&A articles.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("validate", help="check schema, registry, citations, structure and approvals")
    p.add_argument("paths", nargs="*", type=Path, help="articles or folders to check (default: all of content/articles)")
    _formats(p)
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("digest", help="print the content digest of each file, as sha256sum does")
    p.add_argument("files", nargs="+", type=Path)
    p.set_defaults(run=cmd_digest)
    return parser


def cmd_validate(args: argparse.Namespace, ws: Workspace) -> int:
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
    corpus = ws.corpus(everything + [p for p in named if ws.rel(p) not in known])
    problems = corpus.problems
    if args.paths:
        wanted = {ws.rel(p) for p in named} | {"mkdocs.yml", corpus.registry.path}
        problems = [p for p in problems if p.path in wanted]
    return _emit(problems, args.format, len(named) if args.paths else len(corpus.paths))


def cmd_digest(args: argparse.Namespace, ws: Workspace) -> int:
    from .loader import load_article

    status = OK
    for path in args.files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            print(f"{path}: cannot read: {exc.strerror}", file=sys.stderr)
            status = PROBLEMS
            continue
        article, problems = load_article(str(path), data)
        if article is None:
            print(report.render(problems, "text", 1).splitlines()[0], file=sys.stderr)
            status = PROBLEMS
        else:
            print(f"{article.digest}  {path}")
    return status


def _under(path: Path, folder: Path) -> bool:
    try:
        path.absolute().relative_to(folder.absolute())
        return True
    except ValueError:
        return False


def _emit(problems, fmt: str, files: int, notes=()) -> int:
    text = report.render(problems, fmt, files, notes)
    print(text)
    if fmt == "json":
        print(report.render(problems, "text", files, notes).splitlines()[-1], file=sys.stderr)
    return PROBLEMS if any(p.is_error for p in problems) else OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        ws = None if args.command == "digest" else Workspace.find()
        return args.run(args, ws)
    except WorkspaceError as exc:
        print(f"editorial: {exc}", file=sys.stderr)
        return CANNOT_RUN
    except KeyboardInterrupt:
        return CANNOT_RUN
    except Exception as exc:  # never a traceback for a writer; the message says where to report
        print(f"editorial: internal error ({type(exc).__name__}: {exc}); please report it with the command you ran", file=sys.stderr)
        return CANNOT_RUN


if __name__ == "__main__":
    sys.exit(main())
