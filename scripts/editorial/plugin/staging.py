"""The engine's docs_dir: a fresh folder holding the pages this build may publish, never content/.

mkdocs.yml's `docs_dir` names a committed placeholder (vocabulary.PLACEHOLDER) with one harmless
page, so an engine that skips this plugin (Zensical, "MkDocs 2", a config without the plugin)
finds that page and nothing else. The plugin judges content/ itself and, in on_config, points the
engine at a folder it fills with the pages the gate chose (gate.decide): approved articles (a
preview's: every article it shows) and the policy's site pages. Content files that are no page
never enter it: the gate hands them to MkDocs as excluded files and output.py copies those a
published page refers to.

Each page is hard-linked from content/ (copied when the two folders are on different file
systems): no second read of 100,000 articles. A staged entry that is not a regular file (the
source was swapped for a link or a pipe after the scan) stops the build.

    public build         beside site_dir, `.site.staging-<pid>-*`: approved text only; removed at
                         the end, and by the next build when a killed one left it
    preview, serve       in the system's temporary folder: drafts never sit in the project, where a
                         later build by another engine or a copy of the tree could pick them up;
                         `mkdocs serve` keeps one for the session and fills it again on each rebuild
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ..core.model import Problem
from ..workspace import NotRegular, open_regular
from .build import fail
from .output import MAX_ASSET_BYTES, cannot_write, remove_abandoned

TEMPORARY = "editorial"  # the name previews' folders carry in the system's temporary folder


class Staging:
    """One folder the engine reads as its docs_dir."""

    def __init__(self, folder: str):
        self.folder = folder

    @classmethod
    def create(cls, site_dir: str, *, preview: bool) -> Staging:
        """A fresh, empty folder: beside `site_dir` for a public build, in the temporary folder for a preview."""
        if preview:
            parent, name = tempfile.gettempdir(), TEMPORARY
        else:  # Output.prepare made the folder and removed what killed builds left there
            parent, name = os.path.split(os.path.abspath(site_dir))
        try:
            if preview:
                remove_abandoned(parent, name)
            return cls(tempfile.mkdtemp(prefix=f".{name}.staging-{os.getpid()}-", dir=parent))
        except OSError as exc:
            cannot_write(os.path.abspath(site_dir), exc)

    def fill(self, pages: Mapping[str, Path], shown: str) -> None:
        """Put each page (docs-relative path -> its file in content/) at its path in the folder,
        after emptying it (a rebuild of `mkdocs serve`). `shown`: how content/ is named."""
        self.empty()
        root = Path(self.folder)
        problems = []
        made: set[Path] = set()
        for src_uri in sorted(pages):
            target = root / src_uri
            if target.parent not in made:
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    cannot_write(self.folder, exc)
                made.add(target.parent)
            if not _place(pages[src_uri], target):
                where = f"{shown}/{src_uri}"
                problems.append(
                    Problem(
                        where,
                        1,
                        1,
                        "E115",
                        f"{where} cannot be staged for the engine: it is no longer a regular file (a link, a device "
                        "or a pipe took its place during the build) or it is over 100 MB; commit the file itself "
                        "and build again",
                    )
                )
        if problems:
            fail("pages changed while the build read them, so nothing is published:", problems)

    def empty(self) -> None:
        for entry in os.scandir(self.folder):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _place(source: Path, target: Path) -> bool:
    """Hard-link `source` at `target` (never through a link: the new entry is checked), or copy its
    bytes when a link cannot be made. False if the source is not a regular file."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:  # another file system, or no hard links there
        try:
            data = open_regular(source, MAX_ASSET_BYTES + 1)
        except (NotRegular, OSError):
            return False
        if len(data) > MAX_ASSET_BYTES:
            return False
        try:
            target.write_bytes(data)
        except OSError as exc:
            cannot_write(str(target.parent), exc)
        return True
    if stat.S_ISREG(os.lstat(target).st_mode):
        return True
    os.unlink(target)  # a link to a link, or to a pipe: never left for the engine
    return False
