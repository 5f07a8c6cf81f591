"""The `editorial` MkDocs plugin: the publish gate, the generated pages and the article page.

One typed object per build, created in `on_config` and kept on the plugin (as
mkdocs-material's blog plugin keeps its state); the hooks below only say which part acts
when. The parts, each in its own module, with no cycle between them:

    build.py       Build: the policy, the judged corpus (read from content/), the publish decision
    gate.py        Gate: what reaches the site (allow-list), nav and link checks
    staging.py     Staging: the engine's docs_dir, filled with the pages the gate chose (never content/)
    pages.py       SitePages: the board and policy pages, the home listing, the about page
    articles.py    ArticlePages: the article page (citations, References, trust block)
    references.py  References: rendered entries, cached by content, rendered ahead
    rendering.py   Rendering: the renderer's failures located, its time bounded, article pages cached
    output.py      Output: a fresh folder, content files copied safely, audit, search index, swap
    search.py      the search index: Pagefind over the audited pages
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler
from mkdocs.utils.templates import TemplateContext

from .. import progress
from ..core import from_disk, sanitize, site_files
from ..core.citations import DEFAULT_STYLE
from ..core.model import Problem
from .articles import ArticlePages
from .build import Build, fail
from .config import EditorialConfig
from .gate import Gate
from .output import Output
from .pages import SitePages
from .references import References
from .rendering import Rendering
from .staging import Staging

log = logging.getLogger("mkdocs.plugins.editorial")
DEFERRED_SOURCE = "---\n{}\n---\n"  # an article page's source until it is written (Rendering.populate)


@dataclass
class Parts:
    """The parts of one build, made together in on_config."""

    build: Build
    gate: Gate
    pages: SitePages
    articles: ArticlePages
    references: References
    rendering: Rendering
    output: Output
    progress: progress.BuildProgress


class EditorialPlugin(BasePlugin[EditorialConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        super().__init__()
        self.command = "build"
        self.dirty = False
        self.parts: Parts | None = None
        self.warnings: CountHandler | None = None
        self.rendered: dict[str, str] = {}  # References entries, kept across the builds of `mkdocs serve`
        self.staging: Staging | None = None  # the engine's docs_dir (`mkdocs serve`: one for the session)
        self.placeholder = ""  # mkdocs.yml's docs_dir, which the staged folder stands in for

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command, self.dirty = command, dirty

    # -- the build's state ---------------------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        serve = self.command == "serve"
        preview = serve or os.environ.get("EDITORIAL_PREVIEW") == "1"
        self.parts = None  # a failed start must not leave the previous build's state behind
        if self.dirty and not preview:
            fail(
                "",
                [
                    Problem(
                        "mkdocs.yml",
                        1,
                        1,
                        "E960",
                        "`mkdocs build --dirty` is refused for the public site: it would keep "
                        "pages of articles that are no longer approved; run `mkdocs build` (clean)",
                    )
                ],
            )
        # forked while this process is small (a worker forked later copies what the build holds)
        worker = References.start_worker() if not serve else None
        auditor = Output.start_worker() if not preview else None  # a preview is never audited
        try:
            build = Build.start(config, dict(self.config), preview=preview, serve=serve)
        except BaseException:
            for idle in (worker, auditor):  # they have run nothing yet: joined now, not raced by the exit handler
                if idle is not None:
                    idle.shutdown(wait=True)
            raise
        references = References(
            build.workspace.root, build.policy.citation_style or DEFAULT_STYLE, memory=self.rendered, worker=worker
        )
        self.parts = Parts(
            build,
            Gate(build),
            SitePages(build),
            ArticlePages(build, references),
            references,
            Rendering(build),
            Output(build, auditor),
            progress.BuildProgress(),
        )
        config.extra["editorial_preview"] = preview
        # the <link> in every page's head
        config.extra["editorial_feed"] = site_files.FEED if build.site.url and not preview else ""
        config.extra["editorial_search"] = not serve  # `mkdocs serve` builds no search index (search.py)
        config.extra["editorial_share_image"] = build.site.absolute(site_files.SHARE_IMAGE)  # og:image
        self.parts.output.prepare(config)
        self._stage(config, self.parts.gate.decide())
        logging.getLogger("mkdocs.structure.pages").addFilter(self.parts.gate.quiet)
        self.warnings = CountHandler()
        self.warnings.setLevel(logging.WARNING)
        logging.getLogger("mkdocs").addHandler(self.warnings)
        return config

    def _stage(self, config: MkDocsConfig, pages: dict[str, Path]) -> None:
        """Point the engine at a folder holding `pages` only (staging.py), never at content/."""
        assert self.parts is not None
        build = self.parts.build
        if self.staging is None:
            self.staging = Staging.create(self.parts.output.site_dir or config.site_dir, preview=build.preview)
        self.staging.fill(pages, build.docs)
        self.placeholder = config.docs_dir
        config.docs_dir = self.staging.folder

    def _unstage(self) -> None:
        """The staged folder is not needed once the site is written (`mkdocs serve` keeps its own);
        docs_dir names the placeholder again, which `mkdocs serve --clean` then watches."""
        if self.staging is not None and self.command != "serve":
            self.staging.remove()
            self.staging = None
            if self.parts is not None and self.placeholder:
                self.parts.build.config.docs_dir = self.placeholder

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        """Reload when a writer edits content/ (MkDocs watches docs_dir, the staged folder, which
        every rebuild fills again: watching it would rebuild for ever)."""
        if self.staging is not None and config.docs_dir == self.staging.folder:
            try:
                server.unwatch(config.docs_dir)
            except KeyError:  # not watched by this version of the engine
                pass
        if self.parts is not None:
            server.watch(str(self.parts.build.content_dir))
        return server

    def on_shutdown(self) -> None:
        if self.staging is not None:
            self.staging.remove()
            self.staging = None

    def _require(self) -> Parts:
        if self.parts is None:
            fail(
                "", [Problem("mkdocs.yml", 1, 1, "E961", "the editorial plugin did not start, so nothing is published")]
            )
        return self.parts

    # -- files and navigation ---------------------------------------------------------------
    @event_priority(100)  # decide before any other plugin sees the files
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        parts = self._require()
        files = parts.pages.add(parts.gate.select(files))
        parts.pages.files = files
        parts.progress.start(sum(1 for f in files if f.is_documentation_page()))
        published = parts.build.published
        parts.references.render_ahead(
            (published[src] for src in sorted(published)), forking_allowed=not parts.build.serve
        )
        parts.output.start_audit()  # a worker audits each page as it is written
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        return self._require().gate.check_nav(nav)

    # -- each page --------------------------------------------------------------------------
    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        rendering = self._require().rendering
        rendering.wrap(page)  # failures located, time bounded, article pages remembered
        rendering.defer(page)  # an article page is read and rendered when it is written
        return page

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        parts = self._require()
        if parts.rendering.is_deferred(page):
            return DEFERRED_SOURCE
        return parts.articles.source(page)

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        parts = self._require()
        page.meta = sanitize.plain_meta(page.meta)  # every front-matter string reaches the theme escaped
        return parts.articles.markdown(parts.pages.markdown(markdown, page, files), page)

    @event_priority(-50)  # after other plugins' content hooks: nothing is added behind it
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        parts = self._require()
        if parts.rendering.is_deferred(page):
            return html  # nothing rendered yet (Rendering.populate)
        parts.progress.page_built()  # an INFO line every few hundred pages of a large build
        # every page's body, past any rule a writer slipped by; the pages the plugin generates keep its classes
        html = sanitize.article_html(html, ours=page.file.generated_by is not None)
        return parts.articles.content(html, page)

    @event_priority(100)  # before other plugins' context hooks: they see the page rendered
    def _populate(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        parts = self._require()
        parts.rendering.populate(page, config, parts.pages.files or Files([]))
        return context

    @event_priority(-100)  # after other plugins' context hooks: page.content is final
    def _context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        parts = self._require()
        parts.pages.fill(page)  # the listings of the home and specialty pages
        parts.pages.add_context(cast(dict[str, Any], context), page)  # a site page's structured data
        # the theme's context is open (mkdocs types only its own keys): ours is `editorial_article`
        parts.articles.add_context(cast(dict[str, Any], context), page)
        return context

    on_page_context = CombinedEvent(_populate, _context)

    @event_priority(-100)  # after other plugins' post_page hooks: the HTML judged is the HTML written
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        parts = self._require()
        if parts.build.preview and not parts.build.serve:  # a preview is opened from disk: no folder links
            output = from_disk.folder_links_to_index(output)
        parts.articles.check_page(output, page)
        if not parts.output.page_written(page, output):  # no audit worker to read its links: here
            parts.gate.check_links([(page, parts.gate.read_links(output))])
        else:  # the verdicts the worker has given so far: their links judged now, then let go
            parts.gate.check_links((done, verdict.links) for done, verdict in parts.output.done())
        parts.rendering.release(page)
        return output

    # -- the end -----------------------------------------------------------------------------
    @event_priority(-100)  # after every other plugin has written its output
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        parts = self._require()
        parts.references.save()  # the rendered references and pages, for the next build
        parts.rendering.save()
        self._stop_counting()
        strict_warnings = bool(config.strict and self.warnings and self.warnings.get_counts())
        if not strict_warnings:
            parts.output.start_search()  # Pagefind reads the written pages while they are audited
            if parts.output.handed:  # read by the audit's worker (else on_post_page read them)
                parts.gate.check_links((page, verdict.links) for page, verdict in parts.output.verdicts())
            parts.output.copy_content_files(parts.gate.content_files, parts.gate.used)
            parts.pages.write_feed(config.site_dir)
        left_out = parts.gate.unused()
        if left_out:
            log.info(
                f"editorial: {left_out} file(s) in {parts.build.docs}/ not published (no published page refers to them)"
            )
        parts.output.publish(strict_warnings)
        self._unstage()

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_counting()
        self._unstage()
        if self.parts is not None:
            self.parts.references.stop()  # no wait for references still queued
            self.parts.output.abort(error)

    def _stop_counting(self) -> None:
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.parts is not None:
            logging.getLogger("mkdocs.structure.pages").removeFilter(self.parts.gate.quiet)
