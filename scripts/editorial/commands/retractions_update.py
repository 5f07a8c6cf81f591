"""`editorial retractions update FILE`: a downloaded Retraction Watch CSV checked and pinned."""

from __future__ import annotations

import argparse
import hashlib
import sys

from ..core import report, retractions
from ..core.vocabulary import CONFIG
from ..workspace import Workspace, WorkspaceError, pin_snapshot, plugin_options, write_atomic
from ._shared import OK


def run(args: argparse.Namespace, ws: Workspace) -> int:
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
    write_atomic(target, data)
    write_atomic(config, pinned.encode("utf-8"))
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
