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


class Redline(HTMLParser):
    """The summary's "Changes since the approved version" section as GitHub shows it: its text,
    its tags, and the words in each <del> and <ins>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.tags: list[str] = []
        self.marked: dict[str, list[str]] = {"del": [], "ins": []}
        self.text: list[str] = []
        self.open: str | None = None
        self.heading = False

    def handle_starttag(self, tag, attrs):
        if tag in ("h2", "h3"):
            self.heading = True
            if self.inside:
                self.inside = False
        if self.inside:
            self.tags.append(tag)
            if tag in self.marked:
                self.open = tag
                self.marked[tag].append("")

    def handle_endtag(self, tag):
        if tag in ("h2", "h3"):
            self.heading = False
        if tag == self.open:
            self.open = None

    def handle_data(self, data):
        if self.heading and data.strip() == "Changes since the approved version":
            self.inside = True
            return
        if self.inside:
            self.text.append(data)
            if self.open:
                self.marked[self.open][-1] += data
