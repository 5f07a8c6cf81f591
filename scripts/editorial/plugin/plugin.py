"""The `editorial` MkDocs plugin: hooks only; the work is in gate.py, pages.py and render.py.

- gate.py    decides what is published (on_files, with the core's corpus), closes MkDocs'
             leak paths and audits the output (issue: publish gate)
- pages.py   generated site pages: home index by specialty, board, editorial policy
- render.py  the article page: citations, references, trust block, JSON-LD, disclaimer
"""
from __future__ import annotations

import os

from mkdocs.plugins import BasePlugin, event_priority

from .. import progress, sanitize, site_files
from . import gate, pages, render
from .config import EditorialConfig


class EditorialPlugin(BasePlugin[EditorialConfig]):
    supports_multiple_instances = False

    def __init__(self):
        super().__init__()
        self.command = "build"
        self.dirty = False
        self.build: gate.Build | None = None

    def on_startup(self, *, command, dirty):
        self.command, self.dirty = command, dirty

    def on_config(self, config):
        serve = self.command == "serve"
        preview = serve or os.environ.get("EDITORIAL_PREVIEW") == "1"
        self.build = None  # a failed start must not leave the previous build's state behind
        self.build = gate.Build.start(config, self.config, preview=preview, dirty=self.dirty, serve=serve)
        return config

    @event_priority(100)  # decide before any other plugin sees the files
    def on_files(self, files, *, config):
        files = gate.select(self.build, files, config)
        files = pages.add(self.build, files, config)
        render.prerender(self.build, config)  # a spare core renders the references while pages build
        return files

    def on_nav(self, nav, *, config, files):
        return gate.check_nav(self.build, nav, config, files)

    def on_page_read_source(self, *, page, config):
        return gate.source(self.build, page)  # the body the core read and the digest covers

    def on_page_markdown(self, markdown, *, page, config, files):
        gate.restore_meta(self.build, page)
        return render.markdown(self.build, markdown, page, config, files)

    @event_priority(-50)  # after other plugins' content hooks: nothing is added behind it
    def on_page_content(self, html, *, page, config, files):
        progress.page_built(self, files)  # an INFO line every few hundred pages of a large build
        if site_files.is_article(page.file.src_uri):
            # defence in depth: an article body that slipped past html_safety still loses its script
            html = sanitize.article_html(html)
        return render.content(self.build, html, page)  # the search index gets the text without citation numbers

    @event_priority(-100)  # after the search plugin has indexed page.content
    def on_page_context(self, context, *, page, config, nav):
        render.restore_content(self.build, page)  # the citation superscripts, for the page itself
        gate.annotate(self.build, page)  # preview / approved / status for the templates
        return render.context(self.build, context, page, config, nav)

    def on_post_page(self, output, *, page, config):
        output = gate.post_page(self.build, output, page, config)
        return render.check_page(self.build, output, page, config)  # the disclaimer is in the HTML

    @event_priority(-100)  # after every other plugin has written its output
    def on_post_build(self, *, config):
        render.save_cache(self.build)  # the rendered references, for the next build
        gate.finish(self.build, config)

    def on_build_error(self, *, error):
        if self.build is not None:
            render.stop(self.build)  # no wait for references still queued
            gate.abort(self.build, error)
