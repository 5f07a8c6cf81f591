"""The `editorial` command: argument parsing and wiring only. Each command is a module of
`commands/`, imported only when it runs (a writer's `validate` pays for nothing else)."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import NoReturn

from .core import report
from .core.model import CannotRun
from .core.vocabulary import Decision
from .workspace import Workspace

CANNOT_RUN = 2  # the contract's exit status when the command itself cannot run


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # exit 2 with usage, as the contract says
        self.print_usage(sys.stderr)
        print(f"editorial: error: {message}", file=sys.stderr)
        raise SystemExit(CANNOT_RUN)


def _formats(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=report.FORMATS,
        default="text",
        help="text lines (default), GitHub Actions annotations, or JSON",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="editorial", description="Editorial pipeline for reviewed medical Q&A articles.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("validate", help="check schema, registry, citations, structure and approvals")
    p.add_argument(
        "paths", nargs="*", type=Path, help="articles or folders to check (default: all of content/articles)"
    )
    _formats(p)
    p.set_defaults(command="validate")

    p = sub.add_parser("digest", help="print the content digest of each file, as sha256sum does")
    p.add_argument("files", nargs="+", type=Path, help="the article files")
    p.set_defaults(command="digest")

    p = sub.add_parser(
        "start-review", help="move a `submitted` (or, for a revision, `approved`) article to `under_review`"
    )
    p.add_argument("file", type=Path, help="the article")
    p.set_defaults(command="start_review")

    p = sub.add_parser("review", help="record a board member's review of an `under_review` article")
    p.add_argument("file", type=Path, help="the article, `under_review`")
    p.add_argument("--reviewer", required=True, help="the board member's id in content/people.yml")
    p.add_argument("--decision", required=True, choices=tuple(Decision))
    p.add_argument("--date", type=_iso_date, help="YYYY-MM-DD (default: today)")
    p.add_argument("--note", help="optional free text kept with the record")
    p.set_defaults(command="review")

    p = sub.add_parser(
        "check-transitions", help="check that every commit in base..head, and the net change, obeys the review workflow"
    )
    p.add_argument("--base", required=True, help="where the pull request branches off, e.g. origin/main")
    p.add_argument("--head", default="HEAD", help="the pull request's last commit (default: HEAD)")
    confirm = p.add_mutually_exclusive_group()
    confirm.add_argument(
        "--approvers", help="comma-separated GitHub logins that approved the pull request (for hand use)"
    )
    confirm.add_argument(
        "--reviews",
        type=Path,
        metavar="FILE",
        help="GitHub's review list of the pull request (JSON of `gh api --paginate repos/OWNER/REPO/pulls/N/reviews`)",
    )
    _formats(p)
    p.set_defaults(command="check_transitions")

    p = sub.add_parser(
        "record-reviews", help="write the review records that the pull request's GitHub reviews prove, and commit them"
    )
    p.add_argument("--base", required=True, help="where the pull request branches off, e.g. origin/main")
    p.add_argument(
        "--reviews",
        required=True,
        type=Path,
        metavar="FILE",
        help="GitHub's review list of the pull request (JSON of `gh api --paginate repos/OWNER/REPO/pulls/N/reviews`)",
    )
    p.add_argument("--head", default="HEAD", help="the checked-out branch's last commit (default: HEAD)")
    p.set_defaults(command="record_reviews")

    p = sub.add_parser(
        "summary",
        help="each article changed in base..head as readers will read it, as Markdown (the pull request's job summary)",
    )
    p.add_argument("--base", required=True, help="where the pull request branches off, e.g. origin/main")
    p.add_argument("--head", default="HEAD", help="the pull request's last commit (default: HEAD)")
    p.add_argument(
        "--reviews",
        type=Path,
        metavar="FILE",
        help="GitHub's review list of the pull request, to show who approved which text",
    )
    p.set_defaults(command="summary")

    p = sub.add_parser(
        "codeowners",
        help="write .github/CODEOWNERS from the registry and the policy (the board owns content/, the maintainers the "
        "code)",
    )
    p.add_argument("--check", action="store_true", help="only report whether the file is up to date (exit 1 if not)")
    p.set_defaults(command="codeowners")

    p = sub.add_parser("audit", help="prove that a built site holds approved content only")
    p.add_argument("site_dir", type=Path, metavar="SITE_DIR", help="the built site, e.g. site")
    p.add_argument(
        "--manifest",
        type=Path,
        metavar="FILE",
        help="when the audit passes, write every file's path and SHA-256 to FILE (sha256sum format, outside the "
        "site), the record the publish workflow deploys by; removed when it fails",
    )
    _formats(p)
    p.set_defaults(command="audit")

    p = sub.add_parser("new", help="start a new article from its question (writer tool)")
    p.add_argument("question", help='the question the article answers, e.g. "Can a pump be refilled during sepsis?"')
    p.add_argument(
        "--author",
        required=True,
        action="append",
        metavar="ID",
        help="an author's id in content/people.yml; repeat for each author",
    )
    p.add_argument(
        "--slug",
        help="the file name and id to use (default: made from the question: whole words, at most 60 characters)",
    )
    p.set_defaults(command="new")

    p = sub.add_parser("queue", help="what waits for whom: articles in review, and approved ones due for review")
    p.add_argument("--format", choices=("text", "json"), default="text", help="text lines (default) or JSON")
    p.set_defaults(command="queue")

    p = sub.add_parser("retractions", help="the pinned Retraction Watch snapshot (the policy's `retractions` options)")
    actions = p.add_subparsers(dest="action", required=True, parser_class=_Parser)
    q = actions.add_parser(
        "update",
        help="check that FILE parses as Crossref's retraction_watch.csv, write it where the "
        "policy says and pin its hash in mkdocs.yml; lists the articles it affects",
    )
    q.add_argument("file", type=Path, metavar="FILE", help="the downloaded retraction_watch.csv")
    q.set_defaults(command="retractions_update")

    p = sub.add_parser("preview", help="serve one article as the site shows it, reloading on save")
    p.add_argument("file", type=Path, help="the article, in content/articles/")
    p.add_argument("--port", type=int, default=8001, help="local port (default 8001)")
    p.set_defaults(command="preview")
    return parser


def _iso_date(text: str) -> str:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a date; write YYYY-MM-DD") from None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        command = importlib.import_module(f"editorial.commands.{args.command}")
        ws = None if args.command == "digest" else Workspace.find()
        return int(command.run(args, ws))
    except CannotRun as exc:
        print(f"editorial: {exc}", file=sys.stderr)
        return CANNOT_RUN
    except KeyboardInterrupt:
        return CANNOT_RUN
    except Exception as exc:  # never a traceback for a writer; the message says where to report
        print(
            f"editorial: internal error ({type(exc).__name__}: {exc}); please report it with the command you ran",
            file=sys.stderr,
        )
        return CANNOT_RUN


if __name__ == "__main__":
    sys.exit(main())
