"""Allowlist sanitising of an article's rendered body HTML (nh3, the Ammonia sanitiser). Pure.

The html_safety rule refuses dangerous HTML at the line a writer wrote it; this is the
second wall behind it. Markdown has ways in that no text rule sees (attr_list turns
`{: onclick=... }` into an attribute), and a rule can have a bug, so the plugin passes
every article body through here before the template wraps it: whatever is not on the
list below (script, iframe, event handlers, style, forms, javascript: and data: URLs)
does not reach the site. The list is what our Markdown extensions produce: tables,
admonitions, details, footnotes, abbreviations, heading permalinks, code highlighting
and the citation superscripts of citations.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import nh3
from markupsafe import Markup, escape

TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "div",
        "span",
        "blockquote",
        "em",
        "strong",
        "b",
        "i",
        "u",
        "s",
        "del",
        "ins",
        "mark",
        "small",
        "sub",
        "sup",
        "abbr",
        "cite",
        "q",
        "dfn",
        "time",
        "code",
        "pre",
        "kbd",
        "samp",
        "var",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "a",
        "img",
        "figure",
        "figcaption",
        "table",
        "caption",
        "colgroup",
        "col",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "details",
        "summary",
    }
)
# Removed together with their content: their text is code or style, never reading matter.
DROP_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math"})
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir", "role", "aria-label", "aria-hidden"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "th": {"align", "style", "colspan", "rowspan", "scope"},  # tables: text-align only (see STYLE)
    "td": {"align", "style", "colspan", "rowspan"},
    "col": {"span"},
    "details": {"open"},
    "time": {"datetime"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
# Ids the page owns: mkdocs-material reads its settings from `#__config` (the first element
# with that id) and finds its parts by `__` ids; the question, the References and the
# disclaimer are the template's. A body element claiming one loses its id.
RESERVED_ID = re.compile(r"__|(?:question|references)$|medical-disclaimer|editorial-", re.I)
STYLE = frozenset({"text-align"})  # the only inline style Markdown tables write
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})  # relative URLs are kept as they are


def article_html(html: str) -> str:
    """The body HTML with everything off the allowlist removed, and no id the page owns."""
    clean = _clean(html)
    # The filter is a Python call for every attribute (a quarter more time): it runs only on
    # a body whose clean output (attributes written one way, in double quotes) has such an id.
    return _clean(html, _not_reserved) if _RESERVED_IN_OUTPUT.search(clean) else clean


_RESERVED_IN_OUTPUT = re.compile(r'\sid="\s*(?:__|(?:question|references)\s*"|medical-disclaimer|editorial-)', re.I)


def _clean(html: str, attribute_filter: Callable[[str, str, str], str | None] | None = None) -> str:
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(STYLE),
        strip_comments=True,
        link_rel=None,  # our own links are same-site anchors; no target= survives to need it
        attribute_filter=attribute_filter,
    )


def _not_reserved(tag: str, attribute: str, value: str) -> str | None:
    return None if attribute == "id" and RESERVED_ID.match(value.strip()) else value


def plain_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """A page's front matter for the theme: every string HTML-escaped (as Markup, so a template
    that escapes it again does not double it). mkdocs-material writes `page.meta.title` and
    `page.meta.description` into the page unescaped, and its search shows titles as HTML."""
    return {key: _escaped(value) for key, value in meta.items()}


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return value if isinstance(value, Markup) else escape(value)
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value
