"""The audit: proves that a built site holds only what may be published.

`Audit` is pure: prepared once from what content/ holds (`Content`), it judges the site's
files one at a time, handed as `SiteFile` values (path, bytes, kind), and returns
problems (codes E95x). site_folder.py reads a built site and content/ from disk and runs
an `Audit` over the folder on both cores; the CLI (`editorial audit SITE_DIR`) and the
MkDocs plugin (at the end of every production build) call the same functions.

Two questions for every file:
- may it be here at all (the allow-list of site_files.py)? An HTML page must be the page
  of an approved article, of a site page the policy lists, or of a generated page; any other
  file must be the theme's own (byte for byte), a file the build generates, or a content
  file of an allowed type that an allowed page of this site refers to;
- does it hold anything of what is withheld? Every file's text is turned into words once,
  and its 8-word windows ("shingles") are looked up in a set built from the unpublished
  articles' text, minus what approved articles also say (a draft may quote a published
  article). No page is exempt: site pages and generated pages are searched too. Ids,
  slugs and GitHub logins are looked up in each file's set of tokens. No loop runs over
  needles x files.

The site is never trusted to be well-formed: a symbolic link is reported, never followed;
a device or pipe is never read; no file is read past MAX_READ bytes.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import posixpath
import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Set
from dataclasses import dataclass, field

from . import citations, file_text, identifiers, links, site_files, visible
from .corpus import Corpus
from .model import Article, Problem, Registry, text_values

PREVIEW_MARKER = "editorial-preview-build"  # in every page of a preview build (meta tag), nowhere else
SHINGLE = 8  # words per window: long enough to be specific to one text
_NOTHING: frozenset = frozenset()  # what _Needles.search finds in almost every text
SEARCHED_MEMO = 20_000  # texts remembered by _Needles.search (about 45 new ones a page)
SHORT_TITLE = 3  # titles of 3..7 words are looked up as a whole phrase; shorter ones are too generic
MAX_READ = 100_000_000  # bytes of one site file the audit reads; a search index of 10,000 articles is a fifth of it
DATA_SUFFIXES = (".yml", ".yaml")  # the registry and configuration: never in a site

_REFERENCES = re.compile(r'<section class="editorial-references".*?</section>', re.S)
_READ_AS_TEXT = (*site_files.HTML_SUFFIXES, ".xml", ".xml.gz", ".txt", ".json", ".pf_fragment")
_REORDERED = re.compile(rb"<bdo\b|\bdir\s*=\s*[\"']?rtl", re.I)
_RAW_ID = re.compile(r"^id:\s*[\"']?([^\s\"'#]+)", re.M)
_YAML_KEY = re.compile(r"^\s*(?:-\s+)?(?:[\w-]+:\s*)?")
_RAW_TITLE = re.compile(r"^title:\s*[\"']?(.+?)[\"']?\s*$", re.M)


@dataclass
class Content:
    """What content/ and the theme hold, as the audit needs it (read by `read_content`)."""

    corpus: Corpus
    docs: str = "content"  # docs_dir relative to the project root
    site_pages: dict[str, str] = field(default_factory=dict)  # src_uri -> text, the policy's site pages
    raw: dict[str, str] = field(default_factory=dict)  # article path -> text, for files the loader could not read
    theme: Mapping[str, bytes] = field(default_factory=dict)  # site path -> SHA-256 of the theme's own file there
    content_files: Mapping[str, bytes] = field(
        default_factory=dict
    )  # site path -> SHA-256 of a publishable content file
    site_url: str = ""  # where the site lives (MkDocs' site_url), for absolute links
    # theme files from the installed theme package, outside the project: content/ cannot be in
    # them, so when a site file has their bytes its text is not searched (overrides/ is searched)
    packaged: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SiteFile:
    """One entry of the built site, as the reader found it."""

    rel: str  # path relative to the site's folder
    data: bytes | None  # None: not read (see `kind`)
    kind: str = "file"  # file | link | special | large


@dataclass
class _Withheld:
    path: str
    src_uri: str
    slug: str
    id: str
    title: str
    article: Article | None  # None: a file the loader could not (or need not) read; then `raw`
    raw: str

    def texts(self) -> list[str]:
        """Its texts, as the audit reads them: worked out each time they are needed, never kept
        (50 MB at 10,000 articles, in the worker that holds the needles to the end)."""
        return article_texts(self.article) if self.article is not None else raw_texts(self.raw)


@dataclass
class Verdict:
    """What one file showed: its problems, and (for a page) the site files it refers to."""

    problems: list[Problem]
    refers_to: set[str] = field(default_factory=set)
    links: tuple[str, list[str]] | None = None  # a page's <base href> and every URL in it (links.urls)
    # withheld windows an approved article's page shows in its own References: what the article
    # says, so never a leak anywhere (the search index repeats them); only those few, never all
    owned: frozenset[int] = frozenset()


class WholeAuditNeeded(Exception):
    """Raised by an audit without its corpus (`Audit.without_corpus`) where only the whole audit
    can answer: a finding of withheld text (whose it is), needles it was not handed."""


class Audit:
    """One audit: what the site may hold and what must not appear in it, worked out once
    from `content`; then `check` judges one file at a time (in any order, in any process).
    Pages first: a content file is allowed only when a page of the site refers to it."""

    def __init__(self, content: Content, *, shown: str = "site"):
        self.content, self.shown = content, shown
        decision = content.corpus.publication()
        by_path = {a.path: a for a in content.corpus.articles}
        prefix = content.docs.rstrip("/") + "/"
        published = [by_path[p] for p, reasons in decision.items() if not reasons and p in by_path]
        self.withheld = [
            _withheld(p, by_path.get(p), content.raw.get(p, ""), prefix)
            for p, reasons in decision.items()
            if reasons or p not in by_path
        ]
        self.pages = {"404.html"} | site_files.generated_outputs(site_files.published_specialties(published))
        self.article_pages: set[str] = set()  # the pages of published articles
        for article in published:
            self.article_pages |= site_files.page_outputs(_src_uri(article.path, prefix))
        self.pages |= self.article_pages
        for src_uri in content.site_pages:
            self.pages |= site_files.page_outputs(src_uri)
        self.withheld_pages = {out: w for w in self.withheld for out in site_files.page_outputs(w.src_uri)}
        self.published = published
        self._needles: _Needles | None = None
        self._owner_texts: list[list[str]] | None = None
        self.whole = True  # False: `without_corpus`

    def without_corpus(self) -> Audit:
        """This audit for a worker forked before the corpus was read: what `check` reads, without
        the articles (no text, no corpus) and without needles (they are handed over apart, built
        from the whole audit). It never builds needles from what it lacks, and a finding of
        withheld text raises WholeAuditNeeded: the file is judged by the whole audit, which names
        the article (site_folder.py)."""
        lean = copy.copy(self)
        corpus = self.content.corpus
        registry = Registry(corpus.registry.path, {})
        context = dataclasses.replace(corpus.context, registry=registry, retractions=None)
        lean.content = dataclasses.replace(
            self.content,
            corpus=dataclasses.replace(
                corpus, articles=[], registry=registry, context=context, problems=[], paths=[], unread={}
            ),
            raw={},
            site_pages={},
        )
        lean.withheld = [dataclasses.replace(item, article=None, raw="") for item in self.withheld]
        by_path = {item.path: item for item in lean.withheld}
        lean.withheld_pages = {out: by_path[item.path] for out, item in self.withheld_pages.items()}
        lean.published = []
        lean._needles = None
        lean._owner_texts = None
        lean.whole = False
        return lean

    @property
    def needles(self) -> _Needles:
        """Built once, when the first file is searched (before a fork, by audit_site), or
        handed over by the worker that built them (`share_needles`)."""
        if self._needles is None:
            if not self.whole:  # built from no text, they would find nothing
                raise WholeAuditNeeded("an audit without its corpus searches with the needles it is handed")
            self._needles = _Needles.build(self.withheld, self.public_texts(), self.content)
        return self._needles

    def fingerprint(self) -> bytes:
        """A SHA-256 of everything this audit's verdicts depend on but the file judged (its path,
        its bytes, and the theme's and content/'s file at its path: see audit_memo.py) and the
        code: which pages may exist, what is withheld and what is published (each article's
        front matter and body, whence every needle), the registry's ids and logins, content/'s
        files and the site's address. Equal fingerprints judge the same file alike."""
        if not self.whole:
            raise WholeAuditNeeded("an audit without its corpus has no fingerprint of its own")
        digest = hashlib.sha256()

        def add(value: object) -> None:  # repr: a str and a date that print alike still differ
            text = repr(value).encode("utf-8", "surrogatepass")
            digest.update(len(text).to_bytes(8, "big") + text)

        content, registry = self.content, self.content.corpus.registry
        add(
            (
                sorted(self.pages),
                sorted(self.article_pages),
                sorted((o, w.path) for o, w in self.withheld_pages.items()),
            )
        )
        for w in self.withheld:
            article = None if w.article is None else (w.article.meta, w.article.body)
            add((w.path, w.src_uri, w.slug, w.id, w.title, w.raw, article))
        for a in self.published:
            add((a.path, a.meta, a.body))
        add((registry.path, sorted((pid, person.github) for pid, person in registry.people.items())))
        add((content.docs, content.site_url, sorted(content.content_files)))
        return digest.digest()

    def public_texts(self) -> Iterator[str]:
        """The approved articles' words (no site page is exempt), needed only to build the needles,
        one article's at a time (never all at once: half a million strings at 10,000 articles)."""
        return (t for a in self.published for t in article_texts(a))

    def check(self, item: SiteFile, referenced: Set[str] = frozenset(), owned: Set[int] = frozenset()) -> Verdict:
        """The problems of one file of the site. `referenced`: every site path an allowed page
        refers to (needed for files that are not pages; pages are checked first); `owned`: the
        `Verdict.owned` of the pages (what approved articles say in their References lists)."""
        rel, where = item.rel, f"{self.shown}/{item.rel}"
        if item.kind != "file" or item.data is None:
            return Verdict([self._unreadable(item, where)])
        problems: list[Problem] = []
        lower = rel.lower()
        refers_to: set[str] = set()
        page_links = None
        if rel in self.content.packaged and self.content.theme.get(rel) == hashlib.sha256(item.data).digest():
            return Verdict([])  # the installed theme's own bytes: allowed, and nothing of content/ is in them
        if lower.endswith(site_files.HTML_SUFFIXES):
            if rel not in self.pages:
                owner = self.withheld_pages.get(rel)
                why = (
                    f"is the page of unpublished article {owner.path} (a stale page from an earlier build?)"
                    if owner
                    else "is no page of an approved article, of a site page the policy lists, or of a generated page"
                )
                problems.append(
                    Problem(
                        where, 1, 1, "E952", f"{rel} {why}; rebuild the site from a clean folder with `mkdocs build`"
                    )
                )
            else:
                page_links = links.urls(item.data.decode("utf-8", errors="replace"))
                refers_to = self._references(rel, page_links)
        else:
            problem = self._judge_file(rel, where, item.data, referenced)
            if problem is not None:
                problems.append(problem)
        read = file_text.of_file(lower, item.data)
        if read.unread:
            problems.append(
                Problem(
                    where,
                    1,
                    1,
                    "E958",
                    f"{rel} holds compressed data the audit cannot read whole ({read.unread}); nothing unread is "
                    "published: make it smaller or leave it out",
                )
            )
        if lower.endswith(_READ_AS_TEXT) and (
            any(next(visible.reordering(text), None) for text in read.texts) or _REORDERED.search(item.data)
        ):
            problems.append(
                Problem(
                    where,
                    1,
                    1,
                    "E958",
                    f"{rel} holds right-to-left text or a bidirectional override (a control character, `<bdo>` or "
                    "`dir=rtl`), which shows readers another order of words than the audit reads; nothing it cannot "
                    "read as a reader sees it is published: rebuild from content that has none (E805)",
                )
            )
        own = self._own_references(rel, item.data)
        problems.extend(self._search(where, item.data, read.texts, own | owned))
        wanted = frozenset(w for hashes in self.needles.shingles.values() for w in hashes.intersection(own))
        return Verdict(problems, refers_to, page_links, wanted)

    def _own_references(self, rel: str, data: bytes) -> set[int]:
        """On an approved article's page, the windows of its own References list (rendered by the
        plugin from the references the board approved, in the policy's style): what the article
        says, so not a leak where a withheld article repeats a reference as text."""
        if rel not in self.article_pages or b"editorial-references" not in data:
            return set()
        found = _REFERENCES.search(data.decode("utf-8", errors="replace"))
        if found is None:
            return set()
        own: set[int] = set()
        for text in visible.html_text(found.group()):
            words = visible.words(text)
            for size in self.needles.shingles:
                own.update(_windows(words, size))
        return own

    def _search(self, where: str, data: bytes, texts: list[str], own: Set[int] = frozenset()) -> list[Problem]:
        """What of the withheld this file's texts show: the preview marker, ids and logins, and
        passages of withheld articles (each text's words as read: visible.words); `own`: windows
        the page's own article says, which are never a leak."""
        needles = self.needles
        problems = []
        raw = data.decode("utf-8", errors="replace")
        if any(PREVIEW_MARKER in text for text in texts):
            line, col = _position(raw, max(raw.find(PREVIEW_MARKER), 0))
            problems.append(
                Problem(
                    where,
                    line,
                    col,
                    "E951",
                    "this is a preview build (it carries the preview marker); previews are never deployed: build "
                    "without EDITORIAL_PREVIEW and outside `mkdocs serve`",
                )
            )
        seen_tokens: set[str] = set()  # the withheld tokens the texts show
        hits: set[int] = set()
        for text in texts:
            text_tokens, text_hits = needles.search(text)
            seen_tokens |= text_tokens
            hits |= text_hits
        hits -= own
        if hits and not self.whole:
            raise WholeAuditNeeded(f"{where} shows withheld text")
        lower = raw.lower()
        for token in sorted(seen_tokens):
            what, whose = needles.tokens[token]
            line, col = _position(lower, _find_token(lower, token))
            code = "E955" if what.startswith("GitHub") else "E954"
            problems.append(Problem(where, line, col, code, f"{what} {whose} appears here; it must not be published"))
        if hits:
            for item, count in self._owners(hits):
                problems.append(
                    Problem(
                        where,
                        1,
                        1,
                        "E953",
                        f'text of unpublished article {item.path} ("{item.title or item.slug}") appears here ({count} '
                        "passage(s)); it must not be published",
                    )
                )
            if not any(p.code == "E953" for p in problems):  # found, whoever it came from: never passed
                problems.append(
                    Problem(
                        where,
                        1,
                        1,
                        "E953",
                        f"text of an unpublished article appears here ({len(hits)} passage(s)); "
                        "it must not be published",
                    )
                )
        return problems

    def _owners(self, hits: set[int]) -> Iterator[tuple[_Withheld, int]]:
        """Which withheld articles the leaked windows come from (only run on a finding: their
        texts are worked out again then, once, and kept for the next finding)."""
        if self._owner_texts is None:
            self._owner_texts = [item.texts() for item in self.withheld]
        for item, texts in zip(self.withheld, self._owner_texts, strict=True):
            mine: set[int] = set()
            for text in texts:
                words = visible.words(text)
                for size in self.needles.shingles:
                    mine.update(_windows(words, size))
            found = len(hits & mine)
            if found:
                yield item, found

    def _unreadable(self, item: SiteFile, where: str) -> Problem:
        if item.kind == "link":
            return Problem(
                where,
                1,
                1,
                "E958",
                f"{item.rel} is a symbolic link; a site holds files only (a link can publish any file "
                "of the machine that serves it): rebuild from a clean folder",
            )
        if item.kind == "large":
            return Problem(
                where,
                1,
                1,
                "E958",
                f"{item.rel} is over {MAX_READ:,} bytes, more than the audit reads; nothing "
                "unread is published: make it smaller or leave it out",
            )
        return Problem(
            where,
            1,
            1,
            "E958",
            f"{item.rel} is not a regular file (a device, pipe or socket); rebuild from a clean folder",
        )

    def _references(self, rel: str, page_links: tuple[str, list[str]]) -> set[str]:
        if not self.content.content_files:
            return set()  # nothing in content/ a page could make public
        base, found = page_links
        page_url = rel[: -len("index.html")] if rel.endswith("index.html") else rel
        if base:
            page_url = site_files.site_path(page_url, base, self.content.site_url) or page_url
        targets = (
            site_files.site_path(page_url, link, self.content.site_url) for link in found if link and link[0] != "#"
        )
        return {t for t in targets if t and t in self.content.content_files}

    def _judge_file(self, rel: str, where: str, data: bytes, referenced: Set[str]) -> Problem | None:
        """Whether a file that is not a page may be here: generated, the theme's own, or a
        content file an allowed page refers to; data never."""
        name = rel.rsplit("/", 1)[-1].lower()
        if name.endswith(DATA_SUFFIXES) or rel == self.content.corpus.registry.path.split("/", 1)[-1]:
            return Problem(
                where,
                1,
                1,
                "E956",
                f"data file {rel} was copied into the site; it must never be published (check the "
                "`editorial` plugin is enabled)",
            )
        if rel in site_files.GENERATED_FILES or site_files.is_search_bundle_file(rel):
            return None  # what the build wrote from the audited pages; its text is searched like every file
        digest = hashlib.sha256(data).digest()
        theme = self.content.theme.get(rel)
        if theme is not None:
            return (
                None
                if theme == digest
                else Problem(
                    where,
                    1,
                    1,
                    "E952",
                    f"{rel} is at the path of one of the theme's files but holds other bytes; rebuild the site "
                    "from a clean folder with `mkdocs build`",
                )
            )
        known = self.content.content_files.get(rel)
        if known is not None and known == digest:
            if rel in referenced:
                return None
            return Problem(
                where,
                1,
                1,
                "E957",
                f"{rel} is a file of {self.content.docs}/ that no published page refers to, so it "
                "must not be published; rebuild the site from a clean folder with `mkdocs build`",
            )
        return Problem(
            where,
            1,
            1,
            "E952",
            f"{rel} is none of the files a site may hold (an approved page, the theme's own files, "
            "a file the build generates, or an image or PDF a published page refers to); rebuild "
            "the site from a clean folder with `mkdocs build`",
        )


def audit(site: Iterable[SiteFile], content: Content, *, shown: str = "site") -> list[Problem]:
    """Every problem with the built site `site`; `shown` prefixes the paths in messages."""
    run = Audit(content, shown=shown)
    items = list(site)
    pages = [item for item in items if _is_page(item)]
    verdicts = [run.check(item) for item in pages]
    referenced = set().union(*(v.refers_to for v in verdicts)) if verdicts else set()
    owned = frozenset().union(*(v.owned for v in verdicts))
    verdicts += [run.check(item, referenced, owned) for item in items if not _is_page(item)]
    return [p for v in verdicts for p in v.problems]


def _is_page(item: SiteFile) -> bool:
    return item.rel.lower().endswith(site_files.HTML_SUFFIXES)


def _src_uri(path: str, prefix: str) -> str:
    return path[len(prefix) :] if path.startswith(prefix) else path


def _withheld(path: str, article: Article | None, raw: str, prefix: str) -> _Withheld:
    src_uri = _src_uri(path, prefix)
    slug = posixpath.splitext(src_uri.rsplit("/", 1)[-1])[0]
    if article is not None:
        return _Withheld(path, src_uri, slug, article.id, article.title, article, "")
    id_match, title_match = _RAW_ID.search(raw), _RAW_TITLE.search(raw)
    return _Withheld(
        path,
        src_uri,
        slug,
        id_match.group(1) if id_match else "",
        title_match.group(1) if title_match else "",
        None,
        raw,
    )


def raw_texts(raw: str) -> list[str]:
    """The texts of a file the loader could not (or need not) read, as `article_texts` reads an
    article: its body as its page would show it, and each front-matter line's value on its own
    (a window across `title: ...` and `description: ...` would match the page head of any
    article, so values are never joined)."""
    lines = raw.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0) if lines[0].strip() == "---" else 0
    if not end:  # no front matter found (never closed, hidden in a comment): every line on its own, keys dropped
        return [t for line in lines for t in body_texts(_YAML_KEY.sub("", line)) if t.strip()]
    values = [_YAML_KEY.sub("", line) for line in lines[1:end]]
    return body_texts("\n".join(lines[end + 1 :])) + [v for v in values if v.strip()]


def article_texts(article: Article) -> list[str]:
    """The article's body as its page shows it (citations numbered, Markdown read as the page
    reads: visible.markdown_text) and every text value of its front matter, each on its own."""
    keys = [str(r["id"]) for r in article.references if r.get("id") is not None]
    return body_texts(article.body, keys) + text_values(article.meta)


def body_texts(body: str, keys: list[str] | None = None) -> list[str]:
    """A Markdown body's texts as its page shows them: the citations as their superscripts."""
    return visible.markdown_text(citations.number(body, keys).body if "@" in body else body)


def _words_of(tokens: list[str]) -> list[str]:
    """The words of a text from its tokens (each word is in exactly one token), without a second regex pass."""
    return " ".join(tokens).replace("-", " ").replace(".", " ").replace("_", " ").split()


def _windows(words: list[str], size: int) -> Iterator[int]:
    """Hashes of every `size`-word window, computed at C speed (zip of shifted slices)."""
    return map(hash, zip(*(words[i:] for i in range(size)), strict=False))


class SortedHashes:
    """Window hashes as a sorted array of 64-bit integers: 8 bytes each where a set takes about
    70, looked up by bisection (slower than a set: for a process that shares the end of the work)."""

    def __init__(self, hashes: Iterable[int]):
        self.hashes = array("q", sorted(hashes))

    @classmethod
    def of_sorted(cls, hashes: array) -> SortedHashes:
        """An array already sorted (`_Needles.from_bytes`), taken as it is."""
        found = cls.__new__(cls)
        found.hashes = hashes
        return found

    def intersection(self, found: Iterable[int]) -> set[int]:
        hashes, size = self.hashes, len(self.hashes)
        hits = set()
        for value in set(found):
            at = bisect_left(hashes, value)
            if at < size and hashes[at] == value:
                hits.add(value)
        return hits

    def __contains__(self, value: object) -> bool:  # by bisection (without it, `in` would scan every hash)
        at = bisect_left(self.hashes, value)  # type: ignore[call-overload]
        return at < len(self.hashes) and self.hashes[at] == value

    def __len__(self) -> int:
        return len(self.hashes)

    def __iter__(self) -> Iterator[int]:
        return iter(self.hashes)


@dataclass
class _Needles:
    """What must not appear anywhere, indexed for lookups that cost one pass per file. Built
    once per process that searches (or handed over, `compact`, by the worker that built them)."""

    shingles: dict[int, set[int] | SortedHashes]  # window size -> hashes of withheld windows
    tokens: dict[str, tuple[str, str]]  # token -> (what it is, whose)
    # text -> (its tokens, its withheld windows): the theme's texts (the header, the disclaimer,
    # the footer, the scripts) are most of a page's texts, the same on every page
    _searched: dict[str, tuple[frozenset[str], frozenset[int]]] = field(default_factory=dict, repr=False, compare=False)

    def search(self, text: str) -> tuple[frozenset[str], frozenset[int]]:
        """The withheld tokens among one text's tokens as read (visible.tokens) and the hashes of
        its windows that are withheld text, remembered (the answer depends on the text and these
        needles alone). Almost always nothing: the memo then holds the one empty set, not the
        text's every token (2.3 KB a text, 46 MB for a full memo)."""
        found = self._searched.get(text)
        if found is None:
            tokens = visible.tokens(text)
            words = _words_of(tokens)
            hits: set[int] = set()
            for size, hashes in self.shingles.items():
                hits |= hashes.intersection(_windows(words, size))
            withheld = self.tokens.keys() & tokens
            found = (frozenset(withheld) if withheld else _NOTHING, frozenset(hits) if hits else _NOTHING)
            if len(self._searched) >= SEARCHED_MEMO:
                self._searched.clear()  # the texts that repeat are back within a page or two
            self._searched[text] = found
        return found

    def compact(self) -> _Needles:
        """The same needles with each set of hashes as a SortedHashes: what a worker hands over."""
        return _Needles({size: SortedHashes(hashes) for size, hashes in self.shingles.items()}, self.tokens)

    def to_bytes(self) -> bytes:
        """The needles as one process writes them for another: a JSON head (the window sizes and
        how many hashes each, the tokens), then each size's hashes, sorted, as 64-bit integers.
        Nothing in it is code (not a pickle)."""
        sizes = sorted(self.shingles)
        arrays = [array("q", sorted(self.shingles[size])) for size in sizes]
        head = json.dumps(
            {"sizes": [[size, len(a)] for size, a in zip(sizes, arrays, strict=True)], "tokens": self.tokens}
        ).encode("utf-8")
        return len(head).to_bytes(8, "big") + head + b"".join(a.tobytes() for a in arrays)

    @classmethod
    def from_bytes(cls, data: bytes, *, compact: bool = False) -> _Needles:
        """What `to_bytes` wrote, with sets of hashes (fast to look up) or, `compact`, sorted
        arrays (8 bytes a hash). ValueError when the bytes are not what it writes."""
        try:
            length = int.from_bytes(data[:8], "big")
            head = json.loads(data[8 : 8 + length])
            offset, shingles = 8 + length, {}
            for size, count in head["sizes"]:
                hashes = array("q")
                hashes.frombytes(data[offset : offset + 8 * count])
                if len(hashes) != count:
                    raise ValueError("cut short")
                offset += 8 * count
                shingles[int(size)] = SortedHashes.of_sorted(hashes) if compact else set(hashes)
            tokens = {str(token): (str(what), str(whose)) for token, (what, whose) in head["tokens"].items()}
        except (KeyError, TypeError, ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"not the audit's needles: {exc}") from exc
        if offset != len(data):
            raise ValueError("not the audit's needles: bytes after the last hash")
        return cls(shingles, tokens)

    @classmethod
    def build(cls, withheld: list[_Withheld], public_texts: Iterable[str], content: Content) -> _Needles:
        shingles: dict[int, set[int]] = {SHINGLE: set()}
        # each distinct text once: most front-matter values repeat across articles (a reviewer,
        # a journal, a widely cited reference), four texts in five at 10,000 articles; worked
        # out one article at a time, so only the distinct ones are ever held together
        for text in dict.fromkeys(text for item in withheld for text in item.texts()):
            shingles[SHINGLE].update(_windows(visible.words(text), SHINGLE))
        for item in withheld:
            title = visible.words(item.title)
            if SHORT_TITLE <= len(title) < SHINGLE:
                shingles.setdefault(len(title), set()).add(hash(tuple(title)))
        # a draft may share a sentence with published text, read the same way: not a leak
        public_tokens: set[str] = set()
        for text in dict.fromkeys(public_texts):
            found = visible.tokens(text)
            public_tokens.update(found)
            words = _words_of(found)
            for size, hashes in shingles.items():
                hashes.difference_update(_windows(words, size))
        tokens: dict[str, tuple[str, str]] = {}
        for item in withheld:
            for kind, value in (("slug", item.slug), ("id", item.id)):
                value = visible.visible(value)
                # a one-word slug ("asthma") is an ordinary word: its page and its text are checked instead
                if value and not value.isalpha() and value not in public_tokens:
                    tokens.setdefault(value, (f"{kind} `{value}` of unpublished article", item.path))
        registry = content.corpus.registry
        person_ids = {identifiers.key(pid) for pid in registry.people}
        for person in registry.people.values():
            login = visible.visible(person.github)
            if login and login not in person_ids:  # a login equal to a public id reveals nothing
                tokens[login] = ("GitHub login of a person in", registry.path)
        return cls({k: v for k, v in shingles.items() if v}, tokens)


def _find_token(lower: str, token: str) -> int:
    match = re.search(rf"(?<![\w.-]){re.escape(token)}(?![\w]|[-.]\w)", lower)
    return match.start() if match else 0


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
