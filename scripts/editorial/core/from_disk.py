"""A preview that opens from disk: every link to a folder names the folder's index.html. Pure.

The site's addresses are folders (`articles/x/`, MkDocs' directory URLs): a web server answers
them with the folder's index.html, but a browser that opens the downloaded preview from
`file://` shows a listing of the folder instead. So the preview build (never the public
site, which a server answers) points every relative link that names a folder, the theme's and
the plugin's alike, at that folder's `index.html`. Only `href` values in double quotes are
read, the form every template, MkDocs and the sanitiser write them in; anything else is left
as it is (an unknown form keeps a link that a server would answer, never a broken one).
"""

from __future__ import annotations

import re

_HREF = re.compile(r'(\shref=")([^"]*)(")')
_ELSEWHERE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|/|#)")  # a scheme, another host, the site's root, a fragment


def folder_links_to_index(html_text: str) -> str:
    """The page with each relative link to a folder (`x/`, `.`, `..`, `../..`) pointing at its index.html."""
    return _HREF.sub(lambda m: m.group(1) + to_index(m.group(2)) + m.group(3), html_text)


def to_index(url: str) -> str:
    """`../articles/x/#top` -> `../articles/x/index.html#top`; any other URL as it is."""
    if not url or _ELSEWHERE.match(url):
        return url
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    path, rest = url[:cut], url[cut:]
    if not path:
        return url  # `?q` or a fragment of this page
    last = path.rsplit("/", 1)[-1]
    if last in (".", ".."):
        path += "/"
    elif last:
        return url  # a file
    return path + "index.html" + rest
