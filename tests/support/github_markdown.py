"""Markdown read as GitHub reads it: rendered by cmark-gfm, GitHub's own parser, then taken
apart as a reader of the page sees it."""

from __future__ import annotations

from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options


class _Page(HTMLParser):
    """What a reader of GitHub's page sees: the text (no comments; GitHub drops them) and the tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)


def on_github(markdown: str) -> _Page:
    """The summary as GitHub renders it (cmark-gfm, raw HTML passed on to GitHub's sanitiser)."""
    page = _Page()
    page.feed(cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE))
    page.close()
    page.visible = " ".join("".join(page.text).split())  # type: ignore[attr-defined]
    return page
