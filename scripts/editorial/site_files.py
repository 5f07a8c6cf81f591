"""What a built site may hold, as pure functions over docs-relative paths (MkDocs'
`src_uri`, e.g. `articles/x.md`). The publish gate removes files by these rules and
the audit checks the built site by the same rules, so the two can never disagree."""
from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

ARTICLES_DIR = "articles/"
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")  # what MkDocs renders as pages
DATA_SUFFIXES = (".yml", ".yaml", ".json", ".csv")
HTML_SUFFIXES = (".html", ".htm")

# Markdown links and images `[t](target "title")`, reference definitions `[t]: target`,
# and raw HTML `src=`/`href=` attributes: every way a body can point at a file.
_INLINE = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")
_REFDEF = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
_ATTR = re.compile(r"""\b(?:src|href|srcset|data)\s*=\s*["']?([^"'\s>]+)""", re.I)


def is_markdown(src_uri: str) -> bool:
    return src_uri.lower().endswith(MARKDOWN_SUFFIXES)


def is_article(src_uri: str) -> bool:
    """A page under articles/: published only when the core approves it."""
    return src_uri.startswith(ARTICLES_DIR) and is_markdown(src_uri)


def is_data_file(src_uri: str) -> bool:
    """people.yml and any data file at the docs root or under articles/: never copied to the site."""
    top_level = "/" not in src_uri
    return src_uri.lower().endswith(DATA_SUFFIXES) and (top_level or src_uri.startswith(ARTICLES_DIR))


def is_unreviewed_html(src_uri: str) -> bool:
    """Raw HTML under articles/ would be copied as-is, past the review: never published."""
    return src_uri.startswith(ARTICLES_DIR) and src_uri.lower().endswith(HTML_SUFFIXES)


def page_outputs(src_uri: str) -> set[str]:
    """The HTML files a Markdown page may become (with and without `use_directory_urls`)."""
    folder, name = posixpath.split(src_uri)
    stem = name.rsplit(".", 1)[0]
    prefix = f"{folder}/" if folder else ""
    if stem.lower() in ("index", "readme"):
        return {f"{prefix}index.html"}
    return {f"{prefix}{stem}/index.html", f"{prefix}{stem}.html"}


def page_url(src_uri: str) -> str:
    """The page's URL with directory URLs (MkDocs' default), e.g. `articles/x/`."""
    folder, name = posixpath.split(src_uri)
    stem = name.rsplit(".", 1)[0]
    prefix = f"{folder}/" if folder else ""
    return prefix if stem.lower() in ("index", "readme") else f"{prefix}{stem}/"


def linked_files(src_uri: str, markdown: str) -> set[str]:
    """The docs-relative files a Markdown text links to or embeds (relative links only)."""
    found = set()
    base = posixpath.dirname(src_uri)
    for pattern, needed in ((_INLINE, "]("), (_REFDEF, "]:"), (_ATTR, "=")):
        if needed not in markdown:  # each pattern needs its literal: skip the regex scan (C-speed test)
            continue
        for match in pattern.finditer(markdown):
            target = resolve(base, match.group(1))
            if target:
                found.add(target)
    return found


def resolve(base_folder: str, link: str) -> str | None:
    """`link` as a docs-relative path seen from `base_folder`, or None if it leaves the docs."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path or link.startswith(("#", "/")):
        return None
    path = posixpath.normpath(posixpath.join(base_folder, unquote(parts.path)))
    if path == "." or path.startswith("../") or path == "..":
        return None
    return path


def withheld_assets(kept: Iterable[tuple[str, str]], withheld: Iterable[tuple[str, str]]) -> set[str]:
    """Files (images, PDFs, ...) that only withheld articles link to: published with them, never.

    `kept` and `withheld` are (src_uri, Markdown text) pairs. Pages are never assets:
    a draft linking to a published article does not withhold that article."""
    wanted_by_kept = set()
    for src_uri, text in kept:
        wanted_by_kept |= linked_files(src_uri, text)
    only_withheld = set()
    for src_uri, text in withheld:
        only_withheld |= linked_files(src_uri, text)
    return {path for path in only_withheld - wanted_by_kept if not is_markdown(path)}
