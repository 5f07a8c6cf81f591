"""`editorial audit SITE_DIR`: proves a built site holds approved content only.

With `--manifest FILE` it also writes the audit's own record of what it passed: every file's
path and the SHA-256 of the very bytes it judged, in `sha256sum` format, outside the site, and
only when the audit passes. The publish workflow deploys a folder only when it matches that
record exactly (every file listed, each hash equal, nothing else)."""

from __future__ import annotations

import argparse
import sys

from .. import site_folder
from ..core import audit
from ..core.vocabulary import CONFIG
from ..workspace import Workspace, WorkspaceError, write_atomic
from ._shared import OK, absolute, emit


def run(args: argparse.Namespace, ws: Workspace) -> int:
    if not args.site_dir.is_dir():
        raise WorkspaceError(f"{args.site_dir} is not a folder; build the site first (`mkdocs build`)")
    manifest = absolute(args.manifest).resolve() if args.manifest else None
    if manifest is not None and manifest.is_relative_to(absolute(args.site_dir).resolve()):
        raise WorkspaceError(f"--manifest {args.manifest} is inside {args.site_dir}; write it outside the site")
    corpus = ws.corpus()
    policy_problems = [p for p in corpus.problems if p.path == CONFIG and p.is_error]
    judge = audit.Audit(site_folder.read_content(ws, corpus), shown=args.site_dir.as_posix().rstrip("/"))
    digests: dict[str, str] | None = {} if manifest is not None else None
    found, files = site_folder.audit_site(judge, args.site_dir, digests=digests)
    status = emit(policy_problems + found, args.format, files)
    if manifest is not None and digests is not None:
        if status != OK or len(digests) != files:  # a failed audit leaves no record that could be deployed
            if manifest.exists():
                manifest.unlink()
            print(f"editorial: no manifest written: the audit did not pass ({manifest})", file=sys.stderr)
        else:
            manifest.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(manifest, manifest_text(digests).encode("utf-8"))
    return status


def manifest_text(digests: dict[str, str]) -> str:
    """`sha256sum` lines, sorted by path; a name with a backslash, CR or LF escaped as GNU writes it."""
    lines = []
    for rel in sorted(digests):
        name = rel.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        escaped = "\\" if name != rel else ""  # GNU's mark of an escaped name
        lines.append(f"{escaped}{digests[rel]}  {name}\n")
    return "".join(lines)
