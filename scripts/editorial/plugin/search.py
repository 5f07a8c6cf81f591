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

The header's search button and dialog are overrides/partials/editorial-search.html; the
dialog loads Pagefind's UI the first time it opens (assets/editorial/editorial.js).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .. import site_files
from ..model import Problem
from .build import fail

# Left out of the index: headings' permalink signs, and citation numbers (glued to the word
# before them, "support1", they would hide it from search).
SKIPPED = (".headerlink", "sup.citation")
TIMEOUT = 600  # seconds: Pagefind indexes 5,000 pages in seconds; a hang must not hold CI for ever


def build_index(site_dir: Path, shown: str) -> None:
    """Run Pagefind over the pages in `site_dir`; stop the build with E970 if it cannot run or fails."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir",
               site_files.SEARCH_BUNDLE.rstrip("/"), "--silent"]
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
    fail("", [Problem(shown, 1, 1, "E970", f"the search index could not be built ({why[:300]}); check that the "
                                           "`pagefind[bin]` package is installed (`pip install -e .`), then build again; "
                                           "the previous site is unchanged")])
