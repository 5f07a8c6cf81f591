"""The URLs a page's final HTML refers to, read with a real HTML parser (lxml). Pure.

The publish gate copies a content file into the site only when a published page's HTML
refers to it, and the audit checks the same, so both must read links as a browser does:
every URL attribute, every `srcset` candidate, character references decoded, the page's
`<base href>` honoured."""
from __future__ import annotations

import lxml.html

# Every attribute whose value a browser may fetch or follow as a URL.
_URL_ATTRIBUTES = ("href", "src", "poster", "data", "action", "formaction", "background", "cite", "longdesc",
                   "icon", "manifest", "codebase", "archive", "usemap", "ping")
_SRCSET_ATTRIBUTES = ("srcset", "imagesrcset")
# (an HTML parser keeps a prefix in the name: SVG's `xlink:href` is named so)
_XPATH = "|".join([f"//@*[local-name()='{name}']" for name in _URL_ATTRIBUTES + _SRCSET_ATTRIBUTES + ("xlink:href",)])
_SPACE = " \t\n\r\f"


def urls(html: str) -> tuple[str, list[str]]:
    """(the page's `<base href>` or "", every URL the page refers to), in document order."""
    if not html.strip():
        return "", []
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):  # e.g. no element at all
        return "", []
    base = next(iter(root.xpath("//base/@href")), "")
    found: list[str] = []
    for value in root.xpath(_XPATH):
        if value.attrname.rsplit("}", 1)[-1] in _SRCSET_ATTRIBUTES:
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

