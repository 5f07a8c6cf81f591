"""The site search: a chunked static index that Pagefind builds from the audited pages.

mkdocs-material's own search sends every reader who searches the whole index (3 to 4 KB an
article: 17 MB at 10,000 articles, too much for a phone). Pagefind splits the index into
chunks; a query downloads its program (about 300 KB, the same for any site size), the
chunks that hold its words and the fragments of the results shown.

    build  Output.publish  after the pages passed the audit, Pagefind reads them (only the
                           regions marked data-pagefind-body: an article's question, short
                           answers, body and References; the about, board and policy pages)
                           and writes site_files.SEARCH_BUNDLE; the audit then reads its files
                           like every other (Pagefind is given nothing but the published pages)

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

from mkdocs.plugins import get_plugin_logger

from .. import cache, site_files
from ..model import Problem
from .build import fail

log = get_plugin_logger("editorial")

# Left out of the index: headings' permalink signs, and citation numbers (glued to the word
# before them, "support1", they would hide it from search).
SKIPPED = (".headerlink", "sup.citation")
TIMEOUT = 600  # seconds: Pagefind indexes 5,000 pages in seconds; a hang must not hold CI for ever


def build_index(site_dir: Path, shown: str, *, previous: Path | None = None, root: Path | None = None) -> None:
    """Run Pagefind over the pages in `site_dir` (or take over the bundle of `previous`, the site
    being replaced, when nothing it was made from has changed); E970 if it cannot run or fails.
    `root`: the project, whose .cache/ remembers which code made the bundle in `previous`."""
    store = (
        cache.Store(root, "search", cache.code_version([Path(__file__)], ["pagefind", "pagefind_bin"]))
        if root is not None and cache.enabled()
        else None
    )
    if store is not None and previous is not None and store.load().get("bundle") and _take_over(previous, site_dir):
        log.info("no page changed: the search index of the previous site is taken over (and audited)")
        return
    _run(site_dir, shown)
    if store is not None:
        store.save({"bundle": True})  # the code that made it; which pages is checked against site/ itself


def _take_over(previous: Path, site_dir: Path) -> bool:
    """Copy previous's bundle into site_dir if both sites have the same pages, byte for byte."""
    bundle = previous / site_files.SEARCH_BUNDLE
    if not (bundle / "pagefind-entry.json").is_file() or not _same_pages(previous, site_dir):
        return False
    try:
        shutil.copytree(
            bundle, site_dir / site_files.SEARCH_BUNDLE, symlinks=True
        )  # a link stays a link: the audit refuses it
    except OSError:
        shutil.rmtree(site_dir / site_files.SEARCH_BUNDLE, ignore_errors=True)
        return False
    return True


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


def _run(site_dir: Path, shown: str) -> None:
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
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _failed(shown, f"{type(exc).__name__}: {exc}")
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        _failed(shown, detail[-1] if detail else f"exit status {done.returncode}")
    if not (site_dir / site_files.SEARCH_BUNDLE / "pagefind-entry.json").is_file():
        _failed(shown, "it wrote no pagefind-entry.json")


def _failed(shown: str, why: str) -> None:
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
