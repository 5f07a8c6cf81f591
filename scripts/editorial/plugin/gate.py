"""The publish gate: an allow-list applied to MkDocs' files and checked on every page.

A file reaches the site only when it is proven publishable (site_files.py has the rules):

    select       on_files      pages: approved articles, the policy's site pages, the generated
                               pages; content files held back until a page refers to them;
                               links, special files, unlisted pages, theme look-alikes refused
    check_nav    on_nav        an explicit nav entry to a withheld article fails the build
    check_links  on_post_build each page's final HTML, read with a real parser (by the audit's
                               worker as the page is written, or on_post_page without one): a
                               link to a withheld article or to a content file that cannot be
                               published fails the build; the content files it refers to are
                               marked for publication

Everything else stays out, and the build log says how many files that was. Fail closed:
whatever cannot be proved publishable is withheld, and anything that stops the gate from
working stops the build.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..core import links, site_files
from ..core.codes import BLOCKS_PREVIEW
from ..core.model import Problem
from ..workspace import CONFIG, scan_content
from .build import Build, fail

log = get_plugin_logger("editorial")
_ALWAYS_RESOLVE = {"", ".", "..", "index", "readme"}  # link names that do not name their target page


class Gate:
    """What this build publishes, file by file."""

    def __init__(self, build: Build):
        self.build = build
        self.withheld: dict[str, str] = {}  # src_uri -> article path, for pages left out of this build
        self.withheld_urls: dict[str, str] = {}  # page URL ("articles/x/") -> article path
        self.content_files: dict[str, File] = {}  # site path -> a content file that is not a page
        self.used: set[str] = set()  # site paths of content files that published pages refer to
        self._names: set[str] = set()  # last names worth resolving in a link (see check_links)
        self._innocent: set[str] = set()  # links already found to name nothing of the above
        self._site_url = build.config.site_url or ""
        self.quiet = _HeldBackNote(self)  # MkDocs' "excluded from the built site" note is wrong for these

    # -- on_files ------------------------------------------------------------------------
    def select(self, files: Files) -> Files:
        """Keep the pages that are proven publishable and hold back every other content file."""
        build, config = self.build, self.build.config
        scan = scan_content(Path(config.docs_dir), build.docs, build.policy.site_pages)
        refused = list(scan.problems)
        regular = set(scan.files)
        for file in list(files):
            if file.generated_by is not None or file.src_dir != config.docs_dir:
                continue  # the theme's own files and other plugins' generated files
            src = file.src_uri
            if src not in regular:  # found through a linked folder, or not a regular file (refused above)
                files.remove(file)
                if not any(p.path == build.src_path(src) for p in refused):
                    refused.append(
                        Problem(
                            build.src_path(src),
                            1,
                            1,
                            "E115",
                            f"{build.src_path(src)} is reached through a symbolic "
                            f"link; nothing under {build.docs}/ is published through a link: move the file in",
                        )
                    )
                continue
            if not site_files.is_article(src) and _in_theme(config, src):
                refused.append(
                    Problem(
                        build.src_path(src),
                        1,
                        1,
                        "E116",
                        f"{build.src_path(src)} has the path of one of the theme's "
                        "own files and would replace it on every page; rename or remove it",
                    )
                )
                files.remove(file)
            elif site_files.is_article(src):
                self._select_article(file, files)
            elif file.is_documentation_page():
                if src not in build.policy.site_pages:
                    files.remove(file)  # refused by the scan (E114)
            else:
                file.inclusion = InclusionLevel.EXCLUDED  # never copied by MkDocs; see check_links and publish
                self.content_files[file.dest_uri] = file
        if refused:
            fail(
                f"these files in {build.docs}/ cannot be published and stop the build (`editorial validate` lists "
                "them too):",
                refused,
            )
        self._names = (
            {_last_name(src) for src in self.withheld}
            | {_last_name(url) for url in self.withheld_urls}
            | {_last_name(path) for path in self.content_files}
            | _ALWAYS_RESOLVE
        )
        withheld = sum(1 for reasons in build.decision.values() if reasons)
        snapshot = build.corpus.context.retractions
        log.info(
            f"{len(build.published)} article(s) published, {withheld} withheld"
            + (" (preview: every article is shown, marked as pending review)" if build.preview else "")
            + (f"; sources checked against the Retraction Watch snapshot of {snapshot.latest}" if snapshot else "")
        )
        for path, reasons in sorted(build.decision.items()):
            if reasons:
                first = reasons[0]
                log.info(f"withheld {path}: {first.code} {first.message} (line {first.line})")
        return files

    def _select_article(self, file: File, files: Files) -> None:
        build = self.build
        path = build.src_path(file.src_uri)
        reasons = build.withheld_reasons(file.src_uri)
        if reasons is None:  # MkDocs found it, the editorial loader did not: never published
            reasons = [
                Problem(
                    path,
                    1,
                    1,
                    "E103",
                    f"{path} was not read by the editorial loader; move the file into {build.docs}/articles/",
                )
            ]
        if file.inclusion in (InclusionLevel.INCLUDED, InclusionLevel.UNDEFINED):  # keep exclude_docs/draft_docs
            file.inclusion = InclusionLevel.NOT_IN_NAV  # articles are reached from index pages and search
        if not reasons or (build.preview and not {r.code for r in reasons} & BLOCKS_PREVIEW):
            return
        self.withheld[file.src_uri] = path
        self.withheld_urls[site_files.page_url(file.src_uri)] = path
        files.remove(file)

    # -- on_nav --------------------------------------------------------------------------
    def check_nav(self, nav: Navigation) -> Navigation:
        """An explicit `nav:` entry to a withheld article fails the build (MkDocs would only log it
        at INFO and render a dead link, mkdocs#3971)."""
        problems = []
        for entry in _nav_paths(self.build.config.nav):
            target = posixpath.normpath(unquote(urlsplit(entry).path).lstrip("/")) if entry else ""
            if target in self.withheld:
                problems.append(
                    Problem(
                        CONFIG,
                        1,
                        1,
                        "E962",
                        f"`nav:` lists {self.withheld[target]}, which is not published; "
                        "remove the entry from mkdocs.yml (articles are reached from index pages)",
                    )
                )
        if problems:
            fail("the navigation points at unpublished articles:", problems)
        return nav

    # -- the links of each page -------------------------------------------------------------
    def read_links(self, output: str) -> tuple[str, list[str]] | None:
        """A page's links as `check_links` needs them, when no audit worker read them."""
        if self.content_files:
            return links.urls(output)  # what gets published depends on it: a real parser
        if self.withheld:
            return "", links.quick_urls(output)  # only the dead-link check depends on it
        return None

    def check_links(self, pages: Iterable[tuple[Page, tuple[str, list[str]] | None]]) -> None:
        """A link to a withheld article (E963) or to a content file that cannot be published
        (E967) fails the build, naming both files; the content files the pages refer to are
        published with them. `pages`: each page with its `<base href>` and URLs (links.urls)."""
        problems: set[Problem] = set()
        for page, page_links in pages:
            if page_links is not None:
                problems.update(self._judge_links(page, *page_links))
        if problems:
            fail("pages link to files that are not published:", sorted(problems))

    def _judge_links(self, page: Page, base: str, found: list[str]) -> Iterator[Problem]:
        if not self.content_files and not self.withheld:
            return
        page_url = page.url
        if base:
            page_url = site_files.site_path(page.url, base, self._site_url) or page.url
        for link in found:
            if not link or link[0] == "#" or link in self._innocent:
                continue
            if _last_name(unquote(urlsplit(link).path)) not in self._names:
                self._innocent.add(link)  # names no withheld page and no content file, wherever it appears
                continue
            target = site_files.site_path(page_url, link, self._site_url)
            if target is None:
                continue
            problem = self._judge_target(target, page) or self._judge_markdown_link(link, page)
            if problem is not None:
                yield problem

    def _judge_target(self, target: str, page: Page) -> Problem | None:
        where = self.build.src_path(page.file.src_uri)
        page_key = target.removesuffix("index.html").removesuffix(".html").rstrip("/") + "/"
        article = self.withheld_urls.get(page_key) or self.withheld_urls.get(target)
        if article:
            return Problem(
                where,
                1,
                1,
                "E963",
                f"links to {article}, which is not published: remove the link until the article is approved",
            )
        file = self.content_files.get(target)
        if file is None:
            return None
        if not site_files.is_asset_type(file.src_uri):
            return Problem(
                where,
                1,
                1,
                "E967",
                f"links to {self.build.src_path(file.src_uri)}, a kind of file that is never published "
                f"(only {', '.join(site_files.ASSET_SUFFIXES)}); remove the link, or convert the file",
            )
        self.used.add(target)
        return None

    def _judge_markdown_link(self, link: str, page: Page) -> Problem | None:
        """A Markdown link MkDocs could not resolve stays as written (`x.md`): read it as the
        writer meant it, from the page's own folder in docs_dir."""
        path = urlsplit(link).path
        if not site_files.is_markdown(path):
            return None
        target = site_files.resolve(posixpath.dirname(page.file.src_uri), path)
        article = self.withheld.get(target or "")
        if article:
            return Problem(
                self.build.src_path(page.file.src_uri),
                1,
                1,
                "E963",
                f"links to {article}, which is not published: remove the link until the article is approved",
            )
        return None

    def unused(self) -> int:
        """Content files no published page refers to: left out of the site."""
        return len(self.content_files) - len(self.used)


class _HeldBackNote(logging.Filter):
    """MkDocs logs "... contains a link to 'x.png' which is excluded from the built site" for each
    content file the gate holds back; the file is published once the page refers to it, so the
    note would mislead a writer. Only those notes are dropped."""

    def __init__(self, gate: Gate):
        super().__init__()
        self.gate = gate

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not message.endswith("which is excluded from the built site."):
            return True
        target = message.rsplit("' which is excluded", 1)[0].rsplit("'", 1)[-1]
        return target not in self.gate.content_files


def _in_theme(config: MkDocsConfig, src_uri: str) -> bool:
    """Whether one of the theme's folders holds a file at this path (MkDocs would let the
    content file replace the theme's own)."""
    return any(Path(folder, src_uri).is_file() for folder in config.theme.dirs)


def _last_name(path: str) -> str:
    """The last segment of a link path without a page suffix, lower-cased ("x" for `../x/`, `x.md`, `x.html`)."""
    name = path.rstrip("/").rsplit("/", 1)[-1].lower()
    for suffix in site_files.MARKDOWN_SUFFIXES + site_files.HTML_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _nav_paths(nav: Any):
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_paths(value)
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_paths(item)
