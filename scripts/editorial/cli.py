"""The `editorial` command: argument parsing and wiring only; the work is in the core."""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import NoReturn

from . import report
from .workspace import Workspace, WorkspaceError

OK, PROBLEMS, CANNOT_RUN = 0, 1, 2


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
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("digest", help="print the content digest of each file, as sha256sum does")
    p.add_argument("files", nargs="+", type=Path)
    p.set_defaults(run=cmd_digest)

    p = sub.add_parser(
        "start-review", help="move a `submitted` (or, for a revision, `approved`) article to `under_review`"
    )
    p.add_argument("file", type=Path)
    p.set_defaults(run=cmd_start_review)

    p = sub.add_parser("review", help="record a board member's review of an `under_review` article")
    p.add_argument("file", type=Path)
    p.add_argument("--reviewer", required=True, help="the board member's id in content/people.yml")
    p.add_argument("--decision", required=True, choices=("approved", "changes_requested"))
    p.add_argument("--date", type=_iso_date, help="YYYY-MM-DD (default: today)")
    p.add_argument("--note", help="optional free text kept with the record")
    p.set_defaults(run=cmd_review)

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
    p.set_defaults(run=cmd_check_transitions)

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
    p.set_defaults(run=cmd_record_reviews)

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
    p.set_defaults(run=cmd_summary)

    p = sub.add_parser(
        "codeowners",
        help="write .github/CODEOWNERS from the registry and the policy (the board owns content/, the maintainers the "
        "code)",
    )
    p.add_argument("--check", action="store_true", help="only report whether the file is up to date (exit 1 if not)")
    p.set_defaults(run=cmd_codeowners)

    p = sub.add_parser("audit", help="prove that a built site holds approved content only")
    p.add_argument("site_dir", type=Path, metavar="SITE_DIR", help="the built site, e.g. site")
    _formats(p)
    p.set_defaults(run=cmd_audit)

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
    p.set_defaults(run=cmd_new)

    p = sub.add_parser("queue", help="what waits for whom: articles in review, and approved ones due for review")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=cmd_queue)

    p = sub.add_parser("retractions", help="the pinned Retraction Watch snapshot (the policy's `retractions` options)")
    actions = p.add_subparsers(dest="action", required=True, parser_class=_Parser)
    q = actions.add_parser(
        "update",
        help="check that FILE parses as Crossref's retraction_watch.csv, write it where the "
        "policy says and pin its hash in mkdocs.yml; lists the articles it affects",
    )
    q.add_argument("file", type=Path, metavar="FILE", help="the downloaded retraction_watch.csv")
    q.set_defaults(run=cmd_retractions_update)

    p = sub.add_parser("preview", help="serve one article as the site shows it, reloading on save")
    p.add_argument("file", type=Path)
    p.add_argument("--port", type=int, default=8001, help="local port (default 8001)")
    p.set_defaults(run=cmd_preview)
    return parser


def _iso_date(text: str) -> str:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a date; write YYYY-MM-DD") from None


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
    from .progress import terminal_counter

    corpus = ws.corpus(
        everything + [p for p in named if ws.rel(p) not in known],
        progress=terminal_counter(len(everything)),
        remembered=True,
    )
    problems = corpus.problems + ws.content_problems(corpus.context.policy)
    if args.paths:
        wanted = {ws.rel(p) for p in named} | {"mkdocs.yml", corpus.registry.path}
        problems = [p for p in problems if p.path in wanted]
    problems = problems + _codeowners_problems(ws, corpus)
    return _emit(problems, args.format, len(named) if args.paths else len(corpus.paths))


def cmd_digest(args: argparse.Namespace, ws: Workspace) -> int:
    from .loader import load_article
    from .workspace import read_no_follow

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


def _codeowners_problems(ws: Workspace, corpus) -> list:
    """A committed .github/CODEOWNERS must still match the board in the registry."""
    from . import codeowners

    path = ws.root / codeowners.PATH
    if not path.is_file():
        return []
    return codeowners.check(
        path.read_text(encoding="utf-8", errors="replace"),
        corpus.registry,
        corpus.context.today,
        corpus.context.policy.maintainers,
    )


def _read_article(path: Path, ws: Workspace):
    """The article at `path` and its bytes, or None after printing why not."""
    from .loader import load_article

    source = ws.source(path if path.is_absolute() else Path.cwd() / path)
    if source.data is None:
        assert source.problem is not None  # the workspace always says why it could not read a file
        print(report.text_line(source.problem), file=sys.stderr)
        return None, None
    article, problems = load_article(source.path, source.data)
    if article is None:
        print(report.text_line(problems[0]), file=sys.stderr)
        return None, None
    return article, source.data


def _write(path: Path, data: bytes) -> None:
    import os
    import tempfile

    path = path if path.is_absolute() else Path.cwd() / path
    # a fresh, unguessable name (O_EXCL), so nothing already there is written through
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".editorial-", suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    try:
        mode = os.stat(path, follow_symlinks=False).st_mode & 0o7777  # the file keeps its mode (and git its x bit)
    except FileNotFoundError:  # a new file: the usual mode
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temporary, mode)
    os.replace(temporary, path)  # atomic: never a half-written article


def cmd_start_review(args: argparse.Namespace, ws: Workspace) -> int:
    from . import edit

    article, data = _read_article(args.file, ws)
    if article is None:
        return PROBLEMS
    try:
        clear = edit.plan_start_review(article)
        _write(args.file, edit.set_status(data, article, "under_review", clear_next_review=clear))
    except edit.EditError as exc:
        print(f"editorial: {exc}", file=sys.stderr)
        return PROBLEMS
    cleared = (
        " (next_review removed: the new text needs a new approval)" if clear and "next_review" in article.meta else ""
    )
    print(f"{article.path}: review_status {article.status} -> under_review{cleared}")
    return OK


def cmd_review(args: argparse.Namespace, ws: Workspace) -> int:
    from . import edit
    from .model import today

    article, data = _read_article(args.file, ws)
    if article is None:
        return PROBLEMS
    corpus = ws.corpus([])  # the registry and the policy, no articles
    blocking = [p for p in corpus.problems if p.is_error and p.path in ("mkdocs.yml", corpus.registry.path)]
    if blocking:
        print(report.render(blocking, "text", 0), file=sys.stderr)
        return PROBLEMS
    try:
        plan = edit.plan_review(article, corpus.context, args.reviewer, args.decision, args.date or today(), args.note)
        _write(
            args.file,
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


def cmd_check_transitions(args: argparse.Namespace, ws: Workspace) -> int:
    from .history import check_range

    approvers = None if args.approvers is None else args.approvers.split(",")
    reviews = None if args.reviews is None else _read_reviews(args.reviews)
    result = check_range(ws.root, args.base, args.head, approvers, reviews=reviews)
    return _emit(result.problems, args.format, result.files, result.notes)


def _read_reviews(path: Path):
    """GitHub's review list from FILE (`-` for standard input), or exit 2 saying why not."""
    from . import reviews

    try:
        data = (
            sys.stdin.buffer.read(reviews.MAX_BYTES + 1)
            if str(path) == "-"
            else _read_capped(path, reviews.MAX_BYTES + 1)
        )
    except OSError as exc:
        raise WorkspaceError(f"cannot read --reviews {path}: {exc.strerror or exc}") from None
    try:
        return reviews.parse(data, f"--reviews {path}")
    except reviews.ReviewsError as exc:
        raise WorkspaceError(str(exc)) from None


def _read_capped(path: Path, limit: int) -> bytes:
    import os

    fd = os.open(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as handle:
        return handle.read(limit)


def cmd_record_reviews(args: argparse.Namespace, ws: Workspace) -> int:
    from . import record

    found = _read_reviews(args.reviews)
    result = record.record_reviews(ws.root, args.base, args.head, found)
    for line in result.lines:
        print(line)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    for problem in result.problems:
        print(report.text_line(problem), file=sys.stderr)
    if not result.lines and not result.problems:
        print("no review records were due: nothing written", file=sys.stderr)
    return PROBLEMS if any(p.is_error for p in result.problems) else OK


def cmd_summary(args: argparse.Namespace, ws: Workspace) -> int:
    from . import summary

    found = None if args.reviews is None else _read_reviews(args.reviews)
    result, ctx, style = summary.gather(ws.root, args.base, args.head, found)
    print(summary.render(result, ctx, style))
    return OK


def cmd_codeowners(args: argparse.Namespace, ws: Workspace) -> int:
    from . import codeowners

    corpus = ws.corpus([])
    blocking = [p for p in corpus.problems if p.is_error and p.path in (corpus.registry.path, "mkdocs.yml")]
    if blocking:
        print(report.render(blocking, "text", 0), file=sys.stderr)
        return PROBLEMS
    path = ws.root / codeowners.PATH
    maintainers = corpus.context.policy.maintainers
    if args.check:
        current = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        return _emit(codeowners.check(current, corpus.registry, corpus.context.today, maintainers), "text", 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(codeowners.generate(corpus.registry, corpus.context.today, maintainers), encoding="utf-8")
    print(f"wrote {codeowners.PATH}")
    return OK


def cmd_audit(args: argparse.Namespace, ws: Workspace) -> int:
    from . import audit

    if not args.site_dir.is_dir():
        raise WorkspaceError(f"{args.site_dir} is not a folder; build the site first (`mkdocs build`)")
    corpus = ws.corpus()
    policy_problems = [p for p in corpus.problems if p.path == "mkdocs.yml" and p.is_error]
    run = audit.Audit(audit.read_content(ws, corpus), shown=args.site_dir.as_posix().rstrip("/"))
    found, files = audit.audit_site(run, args.site_dir)
    return _emit(policy_problems + found, args.format, files)


def _under(path: Path, folder: Path) -> bool:
    try:
        path.absolute().relative_to(folder.absolute())
        return True
    except ValueError:
        return False


def cmd_new(args: argparse.Namespace, ws: Workspace) -> int:
    from . import writer
    from .model import today

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


def cmd_queue(args: argparse.Namespace, ws: Workspace) -> int:
    from . import writer

    corpus = ws.corpus()
    print(writer.render_queue(writer.queue(corpus.articles, corpus.context), args.format))
    return OK


def cmd_retractions_update(args: argparse.Namespace, ws: Workspace) -> int:
    from . import retractions
    from .workspace import CONFIG, pin_snapshot, plugin_options

    policy, problems = ws.policy()
    if problems:
        raise WorkspaceError(f"the editorial policy in {CONFIG} is invalid: {report.text_line(problems[0])}")
    if not policy.retractions:
        raise WorkspaceError(
            f"{CONFIG} names no snapshot: add `retractions: data/retraction_watch.csv` to the editorial "
            "plugin's options, then run this command again to write the file and its hash"
        )
    why = retractions.pin_problem(policy.retractions, "0" * 64)
    if why:
        raise WorkspaceError(f"{CONFIG}: `retractions`: {why}")
    try:
        if args.file.stat().st_size > retractions.MAX_SNAPSHOT_BYTES:
            raise WorkspaceError(
                f"{args.file} is over {retractions.MAX_SNAPSHOT_BYTES:,} bytes; it is not Crossref's "
                "retraction_watch.csv"
            )
        data = args.file.read_bytes()
        new = retractions.load(data)
    except OSError as exc:
        raise WorkspaceError(f"cannot read {args.file}: {exc.strerror}") from None
    except retractions.SnapshotError as exc:
        raise WorkspaceError(f"{args.file} is not a Retraction Watch snapshot: {exc}") from None
    if not (new.by_doi or new.by_pmid):
        raise WorkspaceError(f"{args.file} holds no usable row ({new.summary()}); nothing was changed")
    try:
        old = ws.retractions(policy) if policy.retractions_sha256 else None
    except WorkspaceError as exc:  # the pinned one is missing or was changed: the new one replaces it
        print(f"note: the pinned snapshot cannot be used ({exc}); comparing with no snapshot", file=sys.stderr)
        old = None
    if old is not None and new.rows < old.rows * 0.95:
        raise WorkspaceError(
            f"{args.file} has {new.rows:,} rows, the pinned snapshot {old.rows:,}: the database only grows, so "
            "this looks like a cut-off download or another file; nothing was changed"
        )
    digest = hashlib.sha256(data).hexdigest()
    config = ws.root / CONFIG
    text = config.read_text(encoding="utf-8")
    pinned = pin_snapshot(text, digest)
    target = ws.root / policy.retractions
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise WorkspaceError(
            f"{policy.retractions} is a link or not a regular file; remove it, then run this command again"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    _write(target, data)
    _write(config, pinned.encode("utf-8"))
    plugin_options(config)  # read back: mkdocs.yml still parses
    print(f"{policy.retractions}: {new.summary()}")
    print(f"{CONFIG}: retractions_sha256: {digest}" + (" (unchanged)" if digest == policy.retractions_sha256 else ""))
    corpus = ws.corpus()  # the new snapshot, verified like any other command would
    affected = retractions.changes(corpus.articles, old, new)
    for line in affected:
        print(line)
    print(
        f"{len(affected)} reference(s) of {len({line.split(':', 1)[0] for line in affected})} article(s) meet a new "
        "or changed notice"
    )
    return OK


def cmd_preview(args: argparse.Namespace, ws: Workspace) -> int:
    from . import preview

    path = args.file if args.file.is_absolute() else Path.cwd() / args.file
    source = ws.source(path)
    if source.data is None:
        assert source.problem is not None  # the workspace always says why it could not read a file
        print(report.text_line(source.problem), file=sys.stderr)
        return PROBLEMS
    return preview.serve(ws, path, f"127.0.0.1:{args.port}")


def _emit(problems, fmt: str, files: int, notes=()) -> int:
    text = report.render(problems, fmt, files, notes)
    print(text)
    if fmt == "json":  # stdout stays a JSON list; the notes and the summary go to stderr
        for line in report.render(problems, "text", files, notes).splitlines():
            if line.startswith("note: "):
                print(line, file=sys.stderr)
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
        print(
            f"editorial: internal error ({type(exc).__name__}: {exc}); please report it with the command you ran",
            file=sys.stderr,
        )
        return CANNOT_RUN


if __name__ == "__main__":
    sys.exit(main())
