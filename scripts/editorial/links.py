"""The URLs a page's final HTML refers to, read with a real HTML parser (lxml). Pure.

The publish gate copies a content file into the site only when a published page's HTML
refers to it, and the audit checks the same, so both must read links as a browser does:
every URL attribute, every `srcset` candidate, character references decoded, the page's
`<base href>` honoured."""

from __future__ import annotations

import html
import re

import lxml.html

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
_XPATH = "|".join(f"//@{name}" for name in _URL_ATTRIBUTES + _SRCSET_ATTRIBUTES)
_XLINK = "//@*[name()='xlink:href']"  # SVG's link: an HTML parser keeps the prefix in the name
_SPACE = " \t\n\r\f"


def urls(html_text: str) -> tuple[str, list[str]]:
    """(the page's `<base href>` or "", every URL the page refers to), in document order."""
    if not html_text.strip():
        return "", []
    try:
        root = lxml.html.document_fromstring(html_text)
    except (ValueError, lxml.etree.ParserError):  # e.g. no element at all
        return "", []
    base = next(iter(root.xpath("//base/@href")), "")
    found: list[str] = []
    values = root.xpath(_XPATH) + (root.xpath(_XLINK) if "xlink:href" in html_text else [])
    for value in values:
        if value.attrname in _SRCSET_ATTRIBUTES:
            found.extend(srcset_urls(str(value)))
        else:
            found.append(str(value).strip(_SPACE))
    return str(base).strip(_SPACE), found


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
