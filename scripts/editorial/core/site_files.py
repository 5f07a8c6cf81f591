"""What a built site may hold: the allow-list the publish gate applies and the audit checks.

Pure functions over docs-relative paths (MkDocs' `src_uri`, e.g. `articles/x.md`) and
site-relative URLs. A file reaches the site only when one of these rules proves it may:
an approved article's page, a page the plugin generates, a site page the policy names
(`site_pages`), a file of the theme, or a content file of an allowed type that a published
page's final HTML references. The gate and the audit both read these rules, so the two
can never disagree."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

ARTICLES_DIR = "articles/"
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")  # what MkDocs renders as pages
HTML_SUFFIXES = (".html", ".htm")

# Pages the plugin generates, by URL: the plugin writes them and the audit allows them
# (besides the approved articles and the policy's site pages).
GENERATED_PAGES = {
    "board/": "board.md",  # the Medical Advisory Board, from content/people.yml
    "editorial-policy/": "editorial-policy.md",  # how articles are reviewed, from the policy
    "specialties/": "specialties/index.md",  # every specialty with published articles
}
# And one page per specialty that published articles have, `specialties/<slug>/`, listing
# them (specialty_page): the plugin and the audit work the slugs out from the same decision.
SPECIALTIES_DIR = "specialties/"
# Files other parts of the build write that are no page: MkDocs' 404 page and sitemap, and the
# plugin's feed. Nothing else the build writes outside the theme is allowed, but the search bundle.
FEED = "feed.xml"
# robots.txt: a template of the theme (overrides/robots.txt, rendered like the sitemap) naming the sitemap.
ROBOTS = "robots.txt"
GENERATED_FILES = frozenset({"404.html", "sitemap.xml", "sitemap.xml.gz", FEED, ROBOTS})
# The image link previews show (og:image): a file of the theme, drawn by scripts/share_image.py.
SHARE_IMAGE = "assets/editorial/share.png"
# The search bundle Pagefind builds from the audited pages (plugin/search.py): its program
# files and its index, chunked so that a reader downloads only the part a query needs.
SEARCH_BUNDLE = "pagefind/"
_SEARCH_FILES = re.compile(
    r"pagefind/(?:[\w.-]+\.(?:js|css|json|pagefind|pf_meta)|index/[\w.-]+\.pf_index"
    r"|fragment/[\w.-]+\.pf_fragment|filter/[\w.-]+\.pf_filter)"
)
SEARCH_DATA_SUFFIXES = (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter")  # gzip, then Pagefind's own encoding

# Content files that a published page may make public: images and PDFs. Not HTML, SVG,
# scripts or style sheets (they run in the site's origin), nor data files (the registry).
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ASSET_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".pdf")


def is_markdown(src_uri: str) -> bool:
    return src_uri.lower().endswith(MARKDOWN_SUFFIXES)


def is_article(src_uri: str) -> bool:
    """A page under articles/: published only when the core approves it."""
    return src_uri.startswith(ARTICLES_DIR) and is_markdown(src_uri)


def is_asset_type(src_uri: str) -> bool:
    """Whether a content file of this kind may be published at all (when a page uses it)."""
    name = src_uri.rsplit("/", 1)[-1]
    return not name.startswith(".") and name.lower().endswith(ASSET_SUFFIXES)


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


def is_search_bundle_file(rel: str) -> bool:
    """Whether a site path is a file of the kinds Pagefind writes into its bundle."""
    return _SEARCH_FILES.fullmatch(rel) is not None


def specialty_page(slug: str) -> tuple[str, str]:
    """(URL, src_uri) of the generated page of one specialty (slugs are `[a-z0-9-]` by the schema)."""
    return f"{SPECIALTIES_DIR}{slug}/", f"{SPECIALTIES_DIR}{slug}.md"


def published_specialties(articles: Iterable[Any]) -> list[str]:
    """The specialty slugs of the given (published) articles, that have a page, sorted."""
    found = set()
    for article in articles:
        for slug in article.fields.specialties:
            if _SLUG.fullmatch(slug):
                found.add(slug)
    return sorted(found)


def generated_outputs(specialties: Iterable[str] = ()) -> set[str]:
    """The HTML files of the pages the plugin generates (with the pages of these specialties)."""
    sources = list(GENERATED_PAGES.values()) + [specialty_page(s)[1] for s in specialties]
    return {out for src_uri in sources for out in page_outputs(src_uri)}


def site_path(page_url: str, link: str, site_url: str = "") -> str | None:
    """The site-relative file a link in the page at `page_url` points at, or None when it
    leaves the site (another host or scheme, a path above the site's root).

    `link` is an attribute value as an HTML parser returns it (entities decoded); percent
    escapes are decoded here. `site_url` (MkDocs' option) says where the site lives, so an
    absolute `/prefix/img/a.png` or a full `https://host/prefix/img/a.png` is found too. A
    link that names a folder means its index.html."""
    parts = urlsplit(link.strip())
    home = urlsplit(site_url)
    if parts.scheme or parts.netloc:
        same_site = (
            parts.scheme in ("http", "https", "") and parts.netloc.lower() == home.netloc.lower() and home.netloc
        )
        if not same_site:
            return None
    path = unquote(parts.path)
    if not path:
        return None
    if path.startswith("/"):
        root = home.path.strip("/")
        prefix = f"/{root}/" if root else "/"
        if not path.startswith(prefix):
            return None
        joined = path[len(prefix) :]
    else:
        base = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
        joined = posixpath.join(base, path)
    normal = posixpath.normpath(joined) if joined else "."
    if normal == "..":
        return None
    if normal in (".", ""):
        return "index.html"
    if normal.startswith("../"):
        return None
    if path.endswith("/"):
        return f"{normal}/index.html"
    return normal.lstrip("/")


def resolve(base_folder: str, link: str) -> str | None:
    """`link` as a docs-relative path seen from `base_folder`, or None if it leaves the docs."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path or link.startswith(("#", "/")):
        return None
    path = posixpath.normpath(posixpath.join(base_folder, unquote(parts.path)))
    if path == "." or path.startswith("../") or path == "..":
        return None
    return path
