"""The URLs a page's final HTML refers to, read with a real HTML parser (lxml). Pure.

The publish gate copies a content file into the site only when a published page's HTML
refers to it, and the audit checks the same, so both must read links as a browser does:
every URL attribute, every `srcset` candidate, character references decoded, the page's
`<base href>` honoured."""

from __future__ import annotations

import html
import re

import lxml.etree

# Every attribute whose value a browser may fetch or follow as a URL.
_URL_ATTRIBUTES = (
    "href",
    "src",
    "poster",
    "data",
    "action",
    "formaction",
    "background",
    "cite",
    "longdesc",
    "icon",
    "manifest",
    "codebase",
    "archive",
    "usemap",
    "ping",
)
_SRCSET_ATTRIBUTES = ("srcset", "imagesrcset")
_URL_NAMES = frozenset(_URL_ATTRIBUTES + ("xlink:href",))  # SVG's link: an HTML parser keeps the prefix in the name
_SRCSET_NAMES = frozenset(_SRCSET_ATTRIBUTES)
_SPACE = " \t\n\r\f"


def urls(html_text: str) -> tuple[str, list[str]]:
    """(the page's `<base href>` or "", every URL the page refers to), in document order."""
    if not html_text.strip():
        return "", []
    found = _Collector()
    try:
        lxml.etree.fromstring(html_text, lxml.etree.HTMLParser(target=found))
    except (ValueError, lxml.etree.LxmlError):  # e.g. no element at all
        return "", []
    return found.base.strip(_SPACE), found.urls


class _Collector:
    """The parser's target: it is handed each start tag, in document order, and keeps the URLs
    (the same parse as building the page's tree, without the tree: half the time)."""

    def __init__(self) -> None:
        self.base = ""
        self.based = False  # the first <base href> counts
        self.urls: list[str] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        for name, value in attrib.items():
            if name in _URL_NAMES:
                self.urls.append(value.strip(_SPACE))
            elif name in _SRCSET_NAMES:
                self.urls.extend(srcset_urls(value))
        if tag == "base" and not self.based and "href" in attrib:
            self.base, self.based = attrib["href"], True

    def close(self) -> _Collector:
        return self


def srcset_urls(value: str) -> list[str]:
    """The URL of each candidate in a `srcset` (the HTML standard's parsing rules: a URL
    runs to white space; commas end a candidate only outside the URL's own text)."""
    found: list[str] = []
    position, end = 0, len(value)
    while position < end:
        while position < end and (value[position] in _SPACE or value[position] == ","):
            position += 1
        if position >= end:
            break
        start = position
        while position < end and value[position] not in _SPACE:
            position += 1
        url = value[start:position]
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # descriptors ("2x", "100w"), up to a comma outside parentheses
            depth = 0
            while position < end:
                char = value[position]
                if char == "(":
                    depth += 1
                elif char == ")" and depth:
                    depth -= 1
                elif char == "," and not depth:
                    break
                position += 1
        if url:
            found.append(url)
    return found


# href=/src= values anywhere in the page, quoted or bare, any case (letter classes instead of re.I:
# three times faster over a whole site). A match outside a tag only adds a value to look at.
_QUICK = re.compile(r"""[\s"'/](?:[hH][rR][eE][fF]|[sS][rR][cC])\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")


def quick_urls(page: str) -> list[str]:
    """The href and src values of a page, by one regex pass, entities decoded: cheaper than
    `urls` (a fifth of the time) and enough for a check that publishes nothing, such as the
    build's dead-link check (a form it misses is a dead link, never a leak)."""
    found = []
    for match in _QUICK.finditer(page):
        value = match.group(1) or match.group(2) or match.group(3) or ""
        found.append(html.unescape(value) if "&" in value else value)
    return found
