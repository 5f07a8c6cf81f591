"""HTML safety: no script, frames, event handlers or script URLs in an article body.

The plugin also sanitises rendered HTML with an allowlist; this rule exists so the
writer learns about it at the line they wrote, not from a silently changed page."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator, Sequence

from ..model import Article, Context, Problem
from ..text import line_col, mask_code

FILE_LOCAL = True  # this file's body and reference URLs (see rules/__init__.py)

DANGEROUS_TAGS = (
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "base",
    "meta",
    "link",
    "style",
    "svg",
    "math",
    "template",
)
_TAG = re.compile(r"<\s*/?\s*(" + "|".join(DANGEROUS_TAGS) + r")\b", re.I)
# Scans are bounded (a tag's attributes fit in 2,000 characters) so that thousands of `<`
# that never close cost linear time, not quadratic.
_HANDLER = re.compile(
    r"""<[a-zA-Z](?:[^<>"']|"[^"]{0,2000}"|'[^']{0,2000}'){0,2000}?[\s/"'](on[a-z]+)\s*=""", re.I | re.S
)
_ATTR_LIST_HANDLER = re.compile(r"\{[^}\n]*?\b(on[a-z]+)\s*=", re.I)  # Markdown attr_list: `{: onclick="..." }`
_HTML_URL = re.compile(
    r"""\b(?:href|src|action|formaction|xlink:href|srcset|poster|background)\s*=\s*(?:"([^"]{0,4000})"|'([^']{0,4000})'|([^\s>]+))""",
    re.I,
)
_MD_URL = re.compile(
    r"\]\(\s*<?([^)\s>]*)|^\s{0,3}\[[^\]]{1,1000}\]:\s*<?(\S+)|<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>", re.M
)
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
# Markup in a front-matter text: a tag (or comment, or declaration) or a character reference.
MARKUP = re.compile(r"<[A-Za-z/!?]|&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")


def dangerous_url(url: str) -> bool:
    """True for script-capable URLs, however they are disguised (entities, spaces, case)."""
    plain = html.unescape(url)
    plain = re.sub(r"[\x00-\x20\x7f]+", "", plain).lower()
    return plain.startswith(_BAD_SCHEMES)


def check(articles: Sequence[Article], ctx: Context) -> Iterator[Problem]:
    for article in articles:
        yield from _check_one(article)
        yield from markup_in_text(article.path, article.meta, article.pos)
        refs = article.meta.get("references")
        for index, ref in enumerate(refs if isinstance(refs, list) else []):
            if isinstance(ref, dict) and isinstance(ref.get("URL"), str) and dangerous_url(ref["URL"]):
                line, col = article.pos("references", index, "URL")
                yield Problem(
                    article.path,
                    line,
                    col,
                    "E803",
                    "reference URL uses a script or data scheme; use the https address of the work",
                )


def markup_in_text(path: str, data: object, pos, where: tuple = ()) -> Iterator[Problem]:
    """E804 for every text value of front matter (or the registry) that holds HTML markup.
    These texts are plain: the site escapes them wherever they appear, so markup would show
    as written, and a text that looks like a tag is refused at its line instead."""
    flat = json.dumps(data, ensure_ascii=False, default=str)  # C speed; keeps every `<` and `&` as they are
    if "<" not in flat and "&" not in flat:
        return
    stack: list[tuple[tuple, object]] = [(where, data)]
    while stack:
        key, value = stack.pop()
        if isinstance(value, str):
            found = MARKUP.search(value)
            if found:
                line, col = pos(*key)
                name = ".".join(str(k) for k in key) or "value"
                yield Problem(
                    path,
                    line,
                    col,
                    "E804",
                    f"`{name}` holds HTML markup ({found.group()!r}…); front matter is plain "
                    "text shown as written: remove the tag or character reference (write `&` "
                    "and `<` as plain characters)",
                )
        elif isinstance(value, dict):
            stack.extend((key + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((key + (i,), v) for i, v in enumerate(value))


def _check_one(article: Article) -> Iterator[Problem]:
    masked = mask_code(article.body)

    def at(offset: int, code: str, message: str) -> Problem:
        line, col = line_col(masked, offset)
        return Problem(article.path, article.body_line + line, col, code, message)

    for match in _TAG.finditer(masked):
        yield at(
            match.start(),
            "E801",
            f"`<{match.group(1).lower()}>` is not allowed in an article: it can run code or change the page; remove "
            "it (use Markdown for formatting, and a link for media)",
        )
    handlers = _HANDLER.finditer(masked) if "<" in masked else ()
    attr_lists = _ATTR_LIST_HANDLER.finditer(masked) if "{" in masked else ()
    for match in (*handlers, *attr_lists):
        yield at(
            match.start(1),
            "E802",
            f"event-handler attribute `{match.group(1)}` is not allowed: it runs script; remove it",
        )
    for pattern in (_HTML_URL, _MD_URL) if "=" in masked else (_MD_URL,):  # an HTML attribute needs its `=`
        for match in pattern.finditer(masked):
            index = next(i for i in range(1, len(match.groups()) + 1) if match.group(i) is not None)
            if dangerous_url(match.group(index)):
                yield at(
                    match.start(index),
                    "E803",
                    f"link `{match.group(index)[:40]}` uses a script or data scheme; link to an https address instead",
                )
    for match in _COMMENT.finditer(masked):
        yield at(
            match.start(),
            "W801",
            "HTML comment: readers never see it but it is published in the page source; remove it or use the pull "
            "request for notes",
        )
