"""`editorial preview FILE`: one article served as the site shows it, fast at any corpus size.

It builds a throw-away project holding only that article, the registry,
the site's own pages and the theme overrides, and runs `mkdocs serve` on it as a
preview build (EDITORIAL_PREVIEW=1: the preview banner, noindex). A small loop copies
the article into that project's content/ whenever it is saved; the plugin watches content/
(and stages the pages for the engine in a temporary folder of its own), and MkDocs reloads the page."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..core import report, site_files
from ..core.vocabulary import ARTICLES, CONFIG, CONTENT, PLACEHOLDER, PREVIEW_CHANGED
from ..workspace import Workspace
from ._shared import PROBLEMS, absolute

POLL_SECONDS = 0.3


def make_project(ws: Workspace, article: Path, folder: Path) -> Path:
    """The throw-away project in `folder`; returns the copy of the article in it."""
    content = folder / CONTENT
    (folder / ARTICLES).mkdir(parents=True)
    for entry in (ws.root / CONTENT).iterdir():  # site pages and assets, never other articles
        if entry.name == "articles" or entry.is_symlink():
            continue
        (shutil.copytree if entry.is_dir() else shutil.copy)(entry, content / entry.name)
    for extra in ("overrides",):
        if (ws.root / extra).is_dir():
            shutil.copytree(ws.root / extra, folder / extra)
    (folder / PLACEHOLDER).mkdir()  # the engine's docs_dir until the plugin stages the pages (never content/)
    # Inherit the real config (theme, extensions, policy); only the folders and the
    # strictness change: links to articles left out must not fail the preview.
    (folder / CONFIG).write_text(
        f"INHERIT: {(ws.root / CONFIG).as_posix()}\ndocs_dir: {PLACEHOLDER}\nsite_dir: site\nstrict: false\n",
        encoding="utf-8",
    )
    _place_snapshot(ws, folder)
    copy = folder / ws.rel(article)
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(article, copy)
    return copy


def _place_snapshot(ws: Workspace, folder: Path) -> None:
    """The policy's Retraction Watch snapshot at the same path in the throw-away project (a
    hard link: no 60 MB copy). A link or a missing file is left out: the preview then says
    why, as validate does (E411)."""
    relative = ws.policy()[0].retractions
    parts = Path(relative).parts
    if not parts or ".." in parts or any(ws.root.joinpath(*parts[:i]).is_symlink() for i in range(1, len(parts) + 1)):
        return
    source = ws.root / relative
    if not source.is_file():
        return
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or no hard links here
        shutil.copyfile(source, target)


def serve(ws: Workspace, article: Path, address: str, quiet: bool = False) -> int:
    """Serve until interrupted; the exit status of `mkdocs serve`."""
    with tempfile.TemporaryDirectory(prefix="editorial-preview-") as temp:
        folder = Path(temp)
        copy = make_project(ws, article, folder)
        # the home page lists the article first, and the address printed is the article's page
        env = {**os.environ, "EDITORIAL_PREVIEW": "1", "NO_MKDOCS_2_WARNING": "1", PREVIEW_CHANGED: ws.rel(article)}
        cmd = [sys.executable, "-m", "mkdocs", "serve", "-f", str(folder / CONFIG), "-a", address, "--no-strict"]
        print(
            f"previewing {ws.rel(article)} at {page_address(ws, article, address)} (Ctrl-C to stop); saving the file "
            "reloads the page",
            file=sys.stderr,
            flush=True,
        )
        server = subprocess.Popen(
            cmd,
            cwd=folder,
            env=env,
            stdout=subprocess.DEVNULL if quiet else None,
            stderr=subprocess.DEVNULL if quiet else None,
        )
        seen = _stamp(article)
        previous = signal.signal(signal.SIGTERM, _stop)  # `kill` stops the server too, and cleans up
        try:
            while server.poll() is None:
                time.sleep(POLL_SECONDS)
                now = _stamp(article)
                if now != seen and now is not None:
                    seen = now
                    shutil.copyfile(article, copy)  # MkDocs sees the change and rebuilds
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            _stop_server(server)
        return 0 if server.returncode in (0, -2, -15, None) else server.returncode


def _stop_server(server: subprocess.Popen) -> None:
    """Ctrl-C first: MkDocs then shuts down cleanly and the plugin removes its staged folder
    (the preview's drafts, in the temporary folder); a server that does not stop is killed."""
    for stop in (lambda: server.send_signal(signal.SIGINT), server.terminate, server.kill):
        if server.poll() is not None:
            return
        stop()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            continue


def page_address(ws: Workspace, article: Path, address: str) -> str:
    """The address of the article's page in the preview (the site's home for a file outside content/)."""
    rel = ws.rel(article)
    inside = rel.removeprefix(CONTENT + "/")
    return f"http://{address}/" + (site_files.page_url(inside) if inside != rel else "")


def _stop(signum, frame):
    raise KeyboardInterrupt


def _stamp(path: Path):
    try:
        stat = path.stat()
        return stat.st_mtime_ns, stat.st_size
    except OSError:
        return None


def run(args: argparse.Namespace, ws: Workspace) -> int:
    path = absolute(args.file)
    source = ws.source(path)
    if source.data is None:
        assert source.problem is not None  # the workspace always says why it could not read a file
        print(report.text_line(source.problem), file=sys.stderr)
        return PROBLEMS
    return serve(ws, path, f"127.0.0.1:{args.port}")
