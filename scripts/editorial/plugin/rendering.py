"""Rendering a page's Markdown: failures located, time bounded, and article pages remembered.

`Rendering.wrap` replaces MkDocs' `page.render` for one page (on_pre_page):

- a failure of the renderer (a RecursionError on deep nesting, any exception) or a page that
  takes more than RENDER_SECONDS stops the build with `path:1:1: E969`, never a traceback;
- an article page's HTML is remembered by what it is made from: its Markdown (as the plugin
  hands it to MkDocs: the body the core judged, citations as placeholders), its address, and
  the code and Markdown settings that render it (the key of the cache store `pages`). Only
  pages whose HTML refers to no other file are remembered (their HTML then depends on nothing
  else), and what the cache returns goes through the sanitiser and the audit like fresh
  output: the cache saves rendering work and decides nothing; its entries are held compressed;
- an article page is read and rendered when it is written, not before (`defer`, `populate`,
  `release`): MkDocs renders every page before it writes the first, so all of them would be in
  memory at once (plain MkDocs: 20 KB a page); here each article page goes through read, render,
  the theme, the audit's worker and the disk, and is let go, one at a time.
"""

from __future__ import annotations

import hashlib
import json
import re
import signal
import threading
import zlib
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents, get_toc

from .. import cache
from ..core import site_files
from ..core.model import Problem
from .build import Build, fail

RENDER_SECONDS = 30  # far above any real article (milliseconds); a bound for input that makes Markdown crawl
PACKAGES = ("markdown", "pymdown-extensions", "mkdocs", "Pygments")
# A URL in the HTML that is no fragment, no absolute URL and no mailto/tel link: relative to the
# site, so its rewritten form depends on other files, and the page is not remembered.
_RELATIVE = re.compile(r"""\s(?:href|src)\s*=\s*["']?(?![#"'\s>]|[a-zA-Z][a-zA-Z0-9+.-]*:|//)""")


class Rendering:
    """The renderer's guard and the article pages' cache, for one build."""

    def __init__(self, build: Build):
        self.build = build
        config = build.config
        settings = json.dumps([config.markdown_extensions, config.mdx_configs], sort_keys=True, default=repr)
        version = cache.code_version([Path(__file__)], PACKAGES) + hashlib.sha256(settings.encode()).hexdigest()
        self.store = cache.Store(build.workspace.root, "pages", version) if cache.enabled() else None
        self.known: dict[bytes, Any] | None = None
        self.used: dict[bytes, Any] = {}
        self.hits = 0
        self.deferred: set[str] = set()  # src_uris of article pages not read nor rendered yet (`defer`)

    def wrap(self, page: Page) -> None:
        render = page.render
        where = self.build.src_path(page.file.src_uri)
        remember = self.store is not None and site_files.is_article(page.file.src_uri) and not self.build.preview

        def guarded(config: MkDocsConfig, files: Files) -> None:
            if page.file.src_uri in self.deferred:
                page.content = ""  # rendered when it is written (populate)
                return
            key = self._key(page) if remember else b""
            if key and self._recall(page, key):
                return
            _bounded(render, config, files, where)
            if key and not _RELATIVE.search(page.content or ""):
                self.used[key] = (
                    zlib.compress((page.content or "").encode("utf-8", "surrogatepass"), 1),
                    _tokens(page.toc),
                    page._title_from_render,  # noqa: SLF001
                    sorted(page.present_anchor_ids or ()),
                )

        page.render = guarded  # type: ignore[method-assign]

    # -- one article page at a time ----------------------------------------------------------
    def defer(self, page: Page) -> None:
        """MkDocs reads and renders `page` (on_pre_page) with an empty source; `populate` does it
        for real when the page is written."""
        if site_files.is_article(page.file.src_uri):
            self.deferred.add(page.file.src_uri)

    def is_deferred(self, page: Page) -> bool:
        return page.file.src_uri in self.deferred

    def populate(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        """Read and render a deferred page now (on_page_context, before any other plugin's), with
        every plugin's hooks, as MkDocs would have (its on_pre_page ran already)."""
        if page.file.src_uri not in self.deferred:
            return
        self.deferred.discard(page.file.src_uri)
        page.read_source(config)
        assert page.markdown is not None
        page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
        page.render(config, files)
        assert page.content is not None
        page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)

    @staticmethod
    def release(page: Page) -> None:
        """Let an article page's text go once it is written (on_post_page): nothing reads it again
        (the anchors MkDocs checks at the end are kept)."""
        if site_files.is_article(page.file.src_uri):
            page.markdown, page.content, page.toc = None, None, TableOfContents([])

    def _key(self, page: Page) -> bytes:
        return hashlib.sha256(
            f"{page.url}\0{page.file.src_uri}\0{page.markdown}".encode("utf-8", "surrogatepass")
        ).digest()

    def _recall(self, page: Page, key: bytes) -> bool:
        if self.known is None:
            self.known = self.store.load() if self.store is not None else {}
        entry = self.known.get(key)
        try:
            packed, tokens, title, anchors = entry  # type: ignore[misc]
            toc = get_toc(tokens)
            content = zlib.decompress(packed).decode("utf-8", "surrogatepass")
        except (TypeError, ValueError, KeyError, zlib.error):
            return False  # missing or malformed: rendered for real
        page.content, page.toc = content, toc
        page._title_from_render = title if isinstance(title, str) else None  # noqa: SLF001
        page.present_anchor_ids = set(anchors)
        page.links_to_anchors = {}
        self.used[key] = entry
        self.hits += 1
        return True

    def save(self) -> None:
        """Keep the pages of this build (and only those) for the next one."""
        if self.store is not None and self.used and self.used != self.known:
            self.store.save(self.used)


def _tokens(toc: Any) -> list[dict[str, Any]]:
    """MkDocs' table of contents back as the plain tokens it was made from (get_toc's input)."""

    def token(link: AnchorLink) -> dict[str, Any]:
        return {"level": link.level, "id": link.id, "name": link.title, "children": [token(c) for c in link.children]}

    return [token(link) for link in toc or ()]


def _bounded(render: Any, config: MkDocsConfig, files: Files, where: str) -> None:
    """`render`, with its failures located and its time bounded (in the main thread, where a
    timer signal can be used)."""
    timer = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    previous = signal.signal(signal.SIGALRM, _too_slow) if timer else None
    if timer:
        signal.setitimer(signal.ITIMER_REAL, RENDER_SECONDS)
    try:
        render(config, files)
    except _TooSlow:
        fail(
            "",
            [
                Problem(
                    where,
                    1,
                    1,
                    "E969",
                    f"Markdown took over {RENDER_SECONDS} s to render this page (a construct "
                    "that slows the renderer down, such as very deep nesting); simplify it, "
                    "`editorial validate` points at the place",
                )
            ],
        )
    except MkDocsException:
        raise  # already a located message (ours) or MkDocs' own
    except Exception as exc:  # noqa: BLE001 - any failure of the renderer, e.g. RecursionError
        fail(
            "",
            [
                Problem(
                    where,
                    1,
                    1,
                    "E969",
                    f"the Markdown renderer failed on this page ({type(exc).__name__}: "
                    f"{str(exc)[:200]}); `editorial validate` points at the place to simplify",
                )
            ],
        )
    finally:
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


class _TooSlow(Exception):
    pass


def _too_slow(signum: int, frame: Any) -> None:
    raise _TooSlow()
