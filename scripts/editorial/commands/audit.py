"""`editorial audit SITE_DIR`: proves a built site holds approved content only."""

from __future__ import annotations

import argparse

from .. import site_folder
from ..core import audit
from ..core.vocabulary import CONFIG
from ..workspace import Workspace, WorkspaceError
from ._shared import emit


def run(args: argparse.Namespace, ws: Workspace) -> int:
    if not args.site_dir.is_dir():
        raise WorkspaceError(f"{args.site_dir} is not a folder; build the site first (`mkdocs build`)")
    corpus = ws.corpus()
    policy_problems = [p for p in corpus.problems if p.path == CONFIG and p.is_error]
    judge = audit.Audit(site_folder.read_content(ws, corpus), shown=args.site_dir.as_posix().rstrip("/"))
    found, files = site_folder.audit_site(judge, args.site_dir)
    return emit(policy_problems + found, args.format, files)
