"""The publish gate: an allow-list applied to MkDocs' files and checked on every page.

A file reaches the site only when it is proven publishable (site_files.py has the rules):

    decide       on_config     the pages the engine may see (staged for it, staging.py): approved
                               articles (a scoped preview's: the articles it names) and the
                               policy's site pages; content files held back
                               until a page refers to them; links, special files, unlisted
                               pages, theme look-alikes in content/ refused
    select       on_files      the staged pages, and the held-back content files as excluded files
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
from ..core.vocabulary import PREVIEW_ONLY
from ..workspace import CONFIG
from .build import Build, fail

log = get_plugin_logger("editorial")
_ALWAYS_RESOLVE = {"", ".", "..", "index", "readme"}  # link names that do not name their target page


class Gate:
    """What this build publishes, file by file."""

    def __init__(self, build: Build):
        self.build = build
        self.withheld: dict[str, str] = {}  # src_uri -> article path, for pages left out of this build
        self.withheld_urls: dict[str, str] = {}  # page URL ("articles/x/") -> article path
        self.pages: dict[str, Path] = {}  # src_uri -> its file in content/: the pages staged for the engine
        self.held_back: list[str] = []  # src_uris of content files that are no page (published if a page uses them)
        self.left_out: set[str] = set()  # articles a scoped preview does not render (EDITORIAL_PREVIEW_ONLY)
        self.content_files: dict[str, File] = {}  # site path -> a content file that is not a page
        self.used: set[str] = set()  # site paths of content files that published pages refer to
        self._names: set[str] = set()  # last names worth resolving in a link (see check_links)
        self._innocent: set[str] = set()  # links already found to name nothing of the above
        self._site_url = build.config.site_url or ""
        self.quiet = _HeldBackNote(self)  # MkDocs' "excluded from the built site" note is wrong for these

    # -- on_config: what the engine may see -------------------------------------------------
    def decide(self) -> dict[str, Path]:
        """The pages this build may publish (docs-relative path -> the file in content/): the
        approved articles (a preview's: every article it can show) and the policy's site pages.
        Only these are staged for the engine (staging.py); every other content file is held back
        until a page refers to it (`select`, `check_links`). Links, special files, unlisted pages
        and theme look-alikes in content/ stop the build."""
        build = self.build
        refused = list(build.scan.problems)
        for src in build.scan.files:
            if not site_files.is_article(src) and _in_theme(build.config, src):
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
            elif site_files.is_article(src):
                self._decide_article(src)
            elif site_files.is_markdown(src):
                if src in build.policy.site_pages:  # any other page is refused by the scan (E114)
                    self.pages[src] = build.content_dir / src
            else:
                self.held_back.append(src)
        if refused:
            fail(
                f"these files in {build.docs}/ cannot be published and stop the build (`editorial validate` lists "
                "them too):",
                refused,
            )
        withheld = sum(1 for reasons in build.decision.values() if reasons)
        snapshot = build.corpus.context.retractions
        log.info(
            f"{len(build.published)} article(s) published, {withheld} withheld"
            + (" (preview: every article is shown, marked as pending review)" if build.preview else "")
            + (
                f"; a scoped preview ({PREVIEW_ONLY}): {len(self.left_out)} other article(s) not rendered"
                if build.only is not None
                else ""
            )
            + (f"; sources checked against the Retraction Watch snapshot of {snapshot.latest}" if snapshot else "")
        )
        for path, reasons in sorted(build.decision.items()):
            if reasons:
                first = reasons[0]
                log.info(f"withheld {path}: {first.code} {first.message} (line {first.line})")
        return self.pages

    def _decide_article(self, src: str) -> None:
        build = self.build
        if build.only is not None and src not in build.only:
            self.left_out.add(src)  # not read, not rendered: links to it resolve (select), to no page
            return
        path = build.src_path(src)
        reasons = build.withheld_reasons(src)
        if reasons is None:  # found in content/articles/, not read by the editorial loader: never published
            reasons = [
                Problem(
                    path,
                    1,
                    1,
                    "E103",
                    f"{path} was not read by the editorial loader; move the file into {build.docs}/articles/",
                )
            ]
        if not reasons or (build.preview and not {r.code for r in reasons} & BLOCKS_PREVIEW):
            self.pages[src] = build.content_dir / src
            return
        self.withheld[src] = path
        self.withheld_urls[site_files.page_url(src)] = path

    # -- on_files ------------------------------------------------------------------------
    def select(self, files: Files) -> Files:
        """MkDocs' files, found in the staged folder: the pages `decide` chose. The content files
        held back join them as excluded files (MkDocs resolves links to them, never copies them)."""
        config = self.build.config
        for file in list(files):
            if file.generated_by is not None or file.src_dir != config.docs_dir:
                continue  # the theme's own files and other plugins' generated files
            if file.src_uri not in self.pages:  # only staging.py writes the folder: never expected
                files.remove(file)
            elif site_files.is_article(file.src_uri) and file.inclusion in (
                InclusionLevel.INCLUDED,
                InclusionLevel.UNDEFINED,
            ):  # keep exclude_docs/draft_docs
                file.inclusion = InclusionLevel.NOT_IN_NAV  # articles are reached from index pages and search
        content = str(self.build.content_dir)
        for src in sorted(self.left_out):  # MkDocs knows them, so a link to one is no warning, and builds none
            files.append(
                File(src, content, config.site_dir, config.use_directory_urls, inclusion=InclusionLevel.EXCLUDED)
            )
        for src in self.held_back:
            file = File(
                src, content, config.site_dir, config.use_directory_urls, inclusion=InclusionLevel.EXCLUDED
            )  # never copied by MkDocs; see check_links and Output.copy_content_files
            files.append(file)
            self.content_files[file.dest_uri] = file
        self._names = (
            {_last_name(src) for src in self.withheld}
            | {_last_name(url) for url in self.withheld_urls}
            | {_last_name(path) for path in self.content_files}
            | _ALWAYS_RESOLVE
        )
        return files

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
        return target not in self.gate.content_files and target not in self.gate.left_out


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
