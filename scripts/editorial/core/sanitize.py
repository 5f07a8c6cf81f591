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
from functools import lru_cache, partial
from html import unescape
from typing import Any

import nh3
from markupsafe import Markup, escape
from pygments.token import STANDARD_TYPES

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
    # no `dir` (it reorders what a line says), no `role` or `aria-*` (a screen reader would hear
    # other words than the page shows, or none)
    "*": {"id", "class", "title", "lang"},
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
# disclaimer are the template's, and `cite:` ids are the citation links' (citations.citing_id).
# A body element claiming one loses its id.
RESERVED_ID = re.compile(r"__|(?:question|references)$|medical-disclaimer|editorial-|cite:", re.I)
# An id is also a global name in the browser (`window.PagefindUI` is the element with that id
# until the script defines it), so a body id is kept only if no script could take it for a
# name of its own: lower case, or with a `-`, `:` or `.` no JavaScript name has (heading
# anchors, footnotes and reference anchors are).
_SAFE_ID = re.compile(r"[\w:.-]+")
# The classes Markdown and the theme's extensions give a body (admonitions, details, code,
# footnotes, permalinks, citations), and the three the plugin puts into a writer's page (the
# References, the about page's disclaimer, the marker where the home page's listing goes); any
# other class (the theme's `md-*` ones could cover the disclaimer with a fixed layer) is dropped.
ADMONITIONS = frozenset(
    "note abstract summary tldr info todo tip hint important success check done question help faq warning "
    "caution attention failure fail missing danger error bug example quote cite".split()
)
CLASSES = (
    ADMONITIONS
    | frozenset(
        "admonition admonition-title headerlink footnote footnote-ref footnote-backref citation citation-unknown "
        "highlight highlighttable linenos linenodiv filename "
        "editorial-references__list editorial-disclaimer-text editorial-listing-slot".split()
    )
    | frozenset(STANDARD_TYPES.values())  # Pygments' token classes in highlighted code
) - {""}
_LANGUAGE_CLASS = re.compile(r"language-[\w+#.-]+")  # the code block's language
# The HTML the plugin itself writes (listings, the board and policy pages) has classes of its own.
_OWN_CLASS = re.compile(r"editorial-[\w-]+")
STYLE = frozenset({"text-align"})  # the only inline style Markdown tables write
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})  # relative URLs are kept as they are


def article_html(html: str, ours: bool = False) -> str:
    """The body HTML with everything off the allowlist removed: tags, attributes, and the
    values of `id` and `class` (see _SAFE_ID, CLASSES). `ours`: HTML the plugin wrote, whose
    own `editorial-*` classes are kept too."""
    clean = _clean(html)
    # nh3's attribute filter is a Python call for every attribute (a quarter more time): it
    # runs only on a body whose clean output (attributes written one way: name="value") needs it.
    if _needs_filter(clean, ours):
        clean = _OWN_LINK.sub(_restore, _clean(html, partial(_filter, ours)))
    return _one_level_smaller(clean)


# Each of these is drawn smaller than the text around it: nested, they shrink words out of
# sight (and the HTML parser re-opens an unclosed <code> for all that follows). One level is kept.
_SMALLER = re.compile(r'<(/?)(sub|sup|code|kbd)(?:\s(?:[^>"]|"[^"]*")*)?>')


def _one_level_smaller(html: str) -> str:
    out: list[str] = []
    kept: list[bool] = []  # for each open one: whether its tags stay
    last = 0
    for tag in _SMALLER.finditer(html):
        if tag[1]:  # a closing tag: it goes if its opening tag went
            keep = kept.pop() if kept else True
        else:
            keep = not kept
            kept.append(keep)
        if not keep:
            out.append(html[last : tag.start()])
            last = tag.end()
    if last == 0:
        return html
    out.append(html[last:])
    return "".join(out)


_ID_OR_CLASS = re.compile(r'\s(id|class)="([^"]*)"')
_LINK_WITH_ID = re.compile(r'<a\s(?:[^>"]|"[^"]*")*?\sid="')  # the theme hides `.highlight code a[id]`
# The theme hides these two (a permalink shows on hover, a footnote's way back is an arrow):
# they are kept only on the links Markdown itself makes, exactly, with the one character it puts there.
_HIDDEN_BY_THEME = frozenset({"headerlink", "footnote-backref"})
_OWN_LINK = re.compile(
    r'<a (?:class="(?P<cls>[^"]*)" )?(?:href="(?P<h1>#[\w:.-]+)" title="(?P<t1>[^"]+)"'
    r'|title="(?P<t2>[^"]+)" href="(?P<h2>#[\w:.-]+)")>(?P<text>[¶↩])</a>'
)
_BACK = re.compile(r"Jump back to footnote \d+ in the text")


def _own_kind(link: re.Match[str]) -> str | None:
    """Which of the two a link is, if it is exactly as Markdown makes it."""
    href, title = link["h1"] or link["h2"], link["t1"] or link["t2"]
    if link["text"] == "¶" and title == "Permanent link":
        return "headerlink"
    if link["text"] == "↩" and href.startswith("#fnref") and _BACK.fullmatch(title):
        return "footnote-backref"
    return None


def _restore(link: re.Match[str]) -> str:
    kind = _own_kind(link)
    return link[0] if kind is None else link[0].replace("<a ", f'<a class="{kind}" ', 1)


def _needs_filter(clean: str, ours: bool) -> bool:
    hiding = 0
    for name, value in _ID_OR_CLASS.findall(clean):
        value = unescape(value) if "&" in value else value
        if _allowed(name, value, ours) != value:
            return True
        if name == "class" and not _HIDDEN_BY_THEME.isdisjoint(value.split()):
            hiding += 1
    own = sum(1 for link in _OWN_LINK.finditer(clean) if link["cls"] and link["cls"] == _own_kind(link))
    return hiding != own or bool(_LINK_WITH_ID.search(clean))


def _filter(ours: bool, tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "id":
        return None
    if attribute == "class":  # put back on Markdown's own links only (_restore)
        value = " ".join(c for c in value.split() if c not in _HIDDEN_BY_THEME)
    return _allowed(attribute, value, ours)


def _allowed(attribute: str, value: str, ours: bool) -> str | None:
    if attribute == "id":
        safe = _SAFE_ID.fullmatch(value) and (value == value.lower() or any(c in value for c in "-:."))
        return value if safe and not RESERVED_ID.match(value) else None
    if attribute == "class":
        return _kept_classes(value, ours)
    return value


@lru_cache(maxsize=4096)  # a body repeats a few class values many times
def _kept_classes(value: str, ours: bool) -> str | None:
    kept = [
        c for c in value.split() if c in CLASSES or _LANGUAGE_CLASS.fullmatch(c) or (ours and _OWN_CLASS.fullmatch(c))
    ]
    return " ".join(kept) or None


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
