"""The site search: a chunked static index that Pagefind builds from the audited pages.

mkdocs-material's own search sends every reader who searches the whole index (3 to 4 KB an
article: 17 MB at 10,000 articles, too much for a phone). Pagefind splits the index into
chunks; a query downloads its program (about 300 KB, the same for any site size), the
chunks that hold its words and the fragments of the results shown.

    start  on_post_build   once the last page is written, Pagefind reads the pages (only the
                           regions marked data-pagefind-body: an article's question, short
                           answers, body and its references' titles; the about, board and
                           policy pages)
                           in its own process, while the build audits them
    wait   Output.publish  after the pages passed the audit: Pagefind has written
                           site_files.SEARCH_BUNDLE, and the audit reads its files like every
                           other; a site that fails the audit is never published, index and all

When every page is byte for byte the page of the site being replaced, and Pagefind and this
module are the same as when that site was built, its bundle is taken over instead (Pagefind
would write the same); it is audited all the same. That saves a warm rebuild of unchanged
content the indexing (about 18 s of CPU at 5,000 pages).

The header's search button and dialog are overrides/partials/editorial-search.html; the
dialog loads Pagefind's UI the first time it opens (assets/editorial/editorial.js).
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

from mkdocs.plugins import get_plugin_logger

from .. import cache
from ..core import site_files
from ..core.model import Problem
from .build import fail

log = get_plugin_logger("editorial")

# Left out of the index: headings' permalink signs, and citation numbers (glued to the word
# before them, "support1", they would hide it from search).
SKIPPED = (".headerlink", "sup.citation")
TIMEOUT = 600  # seconds: Pagefind indexes 5,000 pages in seconds; a hang must not hold CI for ever


class Indexing:
    """Pagefind at work on the written pages in a process of its own (or the previous site's
    bundle, taken over): `wait` for it, or `stop` it when the build fails."""

    def __init__(self, site_dir: Path, shown: str, process: subprocess.Popen[str] | None, store: cache.Store | None):
        self.site_dir, self.shown, self.process, self.store = site_dir, shown, process, store

    def wait(self) -> None:
        """E970 if Pagefind could not build the index."""
        process, self.process = self.process, None
        if process is None:
            return
        try:
            out, err = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            process.kill()
            process.communicate()
            _failed(self.shown, f"{type(exc).__name__}: {exc}")
        if process.returncode != 0:
            detail = (err or out).strip().splitlines()
            _failed(self.shown, detail[-1] if detail else f"exit status {process.returncode}")
        if not (self.site_dir / site_files.SEARCH_BUNDLE / "pagefind-entry.json").is_file():
            _failed(self.shown, "it wrote no pagefind-entry.json")
        if self.store is not None:
            self.store.save({"bundle": True})  # the code that made it; which pages is checked against site/ itself

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.communicate()
            self.process = None


def start_index(site_dir: Path, shown: str, *, previous: Path | None = None, root: Path | None = None) -> Indexing:
    """Start Pagefind over the pages in `site_dir` (or take over the bundle of `previous`, the site
    being replaced, when nothing it was made from has changed); E970 if it cannot start.
    `root`: the project, whose .cache/ remembers which code made the bundle in `previous`."""
    folder = site_dir / site_files.SEARCH_BUNDLE.rstrip("/")
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):  # never write through a link
        fail(
            "",
            [
                Problem(
                    f"{shown}/{site_files.SEARCH_BUNDLE}",
                    1,
                    1,
                    "E970",
                    f"the site already holds a link or a file named {site_files.SEARCH_BUNDLE.rstrip('/')}, where "
                    "the search index goes; rebuild from a clean folder with `mkdocs build`; the previous site "
                    "is unchanged",
                )
            ],
        )
    store = (
        cache.Store(root, "search", cache.code_version([Path(__file__)], ["pagefind", "pagefind_bin"]))
        if root is not None and cache.enabled()
        else None
    )
    if store is not None and previous is not None and store.load().get("bundle") and _take_over(previous, site_dir):
        log.info("no page changed: the search index of the previous site is taken over (and audited)")
        return Indexing(site_dir, shown, None, None)
    try:
        process = subprocess.Popen(_command(site_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        _failed(shown, f"{type(exc).__name__}: {exc}")
    return Indexing(site_dir, shown, process, store)


def _take_over(previous: Path, site_dir: Path) -> bool:
    """Copy previous's bundle into site_dir if both sites have the same pages, byte for byte."""
    bundle = previous / site_files.SEARCH_BUNDLE
    if not (bundle / "pagefind-entry.json").is_file() or not _same_pages(previous, site_dir):
        return False
    try:
        # a symbolic link stays a link (the audit refuses it); files are hard-linked, not copied:
        # the old site goes once the new one is in place
        shutil.copytree(bundle, site_dir / site_files.SEARCH_BUNDLE, symlinks=True, copy_function=_link_or_copy)
    except OSError:
        shutil.rmtree(site_dir / site_files.SEARCH_BUNDLE, ignore_errors=True)
        return False
    return True


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def _same_pages(a: Path, b: Path) -> bool:
    pages_a, pages_b = _pages(a), _pages(b)
    if pages_a.keys() != pages_b.keys():
        return False
    for rel, size in pages_b.items():
        if pages_a[rel] != size or not filecmp.cmp(a / rel, b / rel, shallow=False):
            return False
    return True


def _pages(site: Path) -> dict[str, int]:
    """Site path -> size of every HTML file outside the search bundle (no link followed)."""
    found = {}
    for folder, dirs, files in os.walk(site):
        rel_folder = os.path.relpath(folder, site)
        if rel_folder == site_files.SEARCH_BUNDLE.rstrip("/"):
            dirs[:] = []
            continue
        for name in files:
            if name.endswith(site_files.HTML_SUFFIXES):
                path = os.path.join(folder, name)
                if os.path.islink(path):
                    return {"": -1}  # never the same as a real site
                found[os.path.normpath(os.path.join(rel_folder, name))] = os.path.getsize(path)
    return found


def _command(site_dir: Path) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site_dir),
        "--output-subdir",
        site_files.SEARCH_BUNDLE.rstrip("/"),
        "--silent",
    ]
    for selector in SKIPPED:
        command += ["--exclude-selectors", selector]
    return command


def _failed(shown: str, why: str) -> NoReturn:
    fail(
        "",
        [
            Problem(
                shown,
                1,
                1,
                "E970",
                f"the search index could not be built ({why[:300]}); check that the "
                "`pagefind[bin]` package is installed (`pip install -e .`), then build again; "
                "the previous site is unchanged",
            )
        ],
    )
