"""The audit: proves that a built site holds only what may be published.

`Audit` is pure: prepared once from what content/ holds (`Content`), it judges the site's
files one at a time, handed as `SiteFile` values (path, bytes, kind), and returns
problems (codes E95x). `read_site` and `read_content` are the thin readers, and
`audit_site` runs an `Audit` over a folder on both cores when it is large (workers.py);
the CLI (`editorial audit SITE_DIR`) and the MkDocs plugin (at the end of every production
build) call the same functions.

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

import hashlib
import html
import json
import os
import posixpath
import re
import stat
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from . import links, site_files, workers
from .corpus import Corpus
from .model import Article, Problem

PREVIEW_MARKER = "editorial-preview-build"  # in every page of a preview build (meta tag), nowhere else
SHINGLE = 8  # words per window: long enough to be specific to one text
SHORT_TITLE = 3  # titles of 3..7 words are looked up as a whole phrase; shorter ones are too generic
MAX_READ = 100_000_000  # bytes of one site file the audit reads; a search index of 10,000 articles is a fifth of it
MAX_UNZIPPED = 200_000_000  # a sitemap.xml.gz is kilobytes; never inflate a bomb
DATA_SUFFIXES = (".yml", ".yaml")  # the registry and configuration: never in a site

_TOKEN = re.compile(r"\w+(?:[-.]\w+)*")  # ids, slugs, logins: words joined by - or .
_WORD = re.compile(r"\w+")  # the words of a text: the same as those of its tokens (_words_of)
_TAG = re.compile(r"<[^<>]*>")
# Quoted attribute values anywhere (a meta description, an alt, an href leaks too); the
# literal "=" lets the regex engine skip ahead at C speed (a lookbehind would not).
_ATTR_VALUE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")
_SVG_PATH = re.compile(r' d="[^"]*"')  # SVG path data: no text, a third of a page's words
# Joins many texts into one for a single tokenizer pass. Upper case: never produced by
# str.lower(), so no window of real (lower-cased) text contains it; windows across two texts do.
_SEPARATOR = " SEP "
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

    @cached_property
    def texts(self) -> list[str]:
        """Its words, as the audit looks for them: worked out where they are searched for."""
        return _texts(self.article) if self.article is not None else _raw_texts(self.raw)


@dataclass
class Verdict:
    """What one file showed: its problems, and (for a page) the site files it refers to."""

    problems: list[Problem]
    refers_to: set[str] = field(default_factory=set)
    links: tuple[str, list[str]] | None = None  # a page's <base href> and every URL in it (links.urls)


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
        for article in published:
            self.pages |= site_files.page_outputs(_src_uri(article.path, prefix))
        for src_uri in content.site_pages:
            self.pages |= site_files.page_outputs(src_uri)
        self.withheld_pages = {out: w for w in self.withheld for out in site_files.page_outputs(w.src_uri)}
        self.published = published
        self._needles: _Needles | None = None

    @property
    def needles(self) -> _Needles:
        """Built once, when the first file is searched (before a fork, by audit_site), or
        handed over by the worker that built them (`share_needles`)."""
        if self._needles is None:
            self._needles = _Needles.build(self.withheld, self.public_texts, self.content)
        return self._needles

    @cached_property
    def public_texts(self) -> list[str]:
        """The approved articles' words (no site page is exempt), needed only to build the needles."""
        return [t for a in self.published for t in _texts(a)]

    def check(self, item: SiteFile, referenced: Set[str] = frozenset()) -> Verdict:
        """The problems of one file of the site. `referenced`: every site path an allowed page
        refers to (needed for files that are not pages; pages are checked first)."""
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
        problems.extend(self._search(where, _text_of(lower, item.data)))
        return Verdict(problems, refers_to, page_links)

    def _search(self, where: str, text: str) -> list[Problem]:
        needles = self.needles
        problems = []
        if PREVIEW_MARKER in text:
            line, col = _position(text, text.index(PREVIEW_MARKER))
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
        lower = text.lower()
        tokens = _TOKEN.findall(lower)
        for token in sorted(needles.tokens.keys() & set(tokens)):
            what, whose = needles.tokens[token]
            line, col = _position(lower, _find_token(lower, token))
            code = "E955" if what.startswith("GitHub") else "E954"
            problems.append(Problem(where, line, col, code, f"{what} {whose} appears here; it must not be published"))
        words = _words_of(tokens)
        hits: set[int] = set()
        for size, hashes in needles.shingles.items():
            hits |= hashes.intersection(_windows(words, size))
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
        return problems

    def _owners(self, hits: set[int]) -> Iterator[tuple[_Withheld, int]]:
        """Which withheld articles the leaked windows come from (only run on a finding)."""
        for item in self.withheld:
            mine: set[int] = set()
            for text in item.texts:
                words = _words(text)
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
    verdicts += [run.check(item, referenced) for item in items if not _is_page(item)]
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


def _raw_texts(raw: str) -> list[str]:
    """A file the loader could not read: its body, and each front-matter line's value on
    its own (a window across `title: ...` and `description: ...` would match the page
    head of any article, so values are never joined)."""
    lines = raw.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0) if lines[0].strip() == "---" else 0
    if not end:  # no front matter found (never closed, hidden in a comment): every line on its own, keys dropped
        return [v for v in (_YAML_KEY.sub("", line) for line in lines) if v.strip()]
    values = [_YAML_KEY.sub("", line) for line in lines[1:end]]
    return ["\n".join(lines[end + 1 :] if end else lines)] + [v for v in values if v.strip()]


def _texts(article: Article) -> list[str]:
    """The article's body and every text value of its front matter, each on its own
    (an explicit stack: a thousand articles' references are 100,000 values)."""
    found = [article.body]
    stack = [article.meta]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _joined_words(texts: Iterable[str]) -> list[str]:
    """The words of many texts in one pass; the separator word keeps a window from joining two texts."""
    return _WORD.findall(_SEPARATOR.join(t.lower() for t in texts))


def _words_of(tokens: list[str]) -> list[str]:
    """The words of a text from its tokens (each word is in exactly one token), without a second regex pass."""
    return " ".join(tokens).replace("-", " ").replace(".", " ").split()


def _windows(words: list[str], size: int) -> Iterator[int]:
    """Hashes of every `size`-word window, computed at C speed (zip of shifted slices)."""
    return map(hash, zip(*(words[i:] for i in range(size)), strict=False))


def _text_of(lower_name: str, data: bytes) -> str:
    """A file's text as a reader would see it: tags dropped but attribute values kept
    (a meta description or an href leaks too), entities and JSON escapes decoded."""
    if lower_name.endswith(".gz"):
        data = _gunzip(data)
        lower_name = lower_name[:-3]
    elif lower_name.endswith(site_files.SEARCH_DATA_SUFFIXES + (".pagefind",)):
        data = _gunzip(data).removeprefix(b"pagefind_dcd")  # Pagefind's chunks: a fragment is JSON, an index CBOR
        lower_name = lower_name + ".json" if lower_name.endswith(".pf_fragment") else lower_name
    text = data.decode("utf-8", errors="replace")
    if lower_name.endswith(".json"):
        try:
            text = "\n".join(_json_strings(json.loads(text)))
        except (ValueError, RecursionError):
            pass
    if "<!--" in text:  # a comment is in the file for anyone to read: its text counts
        text = text.replace("<!--", " ").replace("-->", " ")
    values = [a or b for a, b in _ATTR_VALUE.findall(_SVG_PATH.sub(" ", text) if ' d="' in text else text)]
    # Text nodes in order, then attribute values (each kept whole, so a leaked sentence in
    # one is still read as a run of words); one regex pass each, no per-tag callback.
    text = "\n".join([_TAG.sub(" ", text)] + values)
    return html.unescape(text) if "&" in text else text


def _gunzip(data: bytes) -> bytes:
    try:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return inflater.decompress(data, MAX_UNZIPPED)
    except zlib.error:
        return data


def _json_strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


@dataclass
class _Needles:
    """What must not appear anywhere, indexed for lookups that cost one pass per file. Built
    once per process that searches (or handed over by the worker that built them)."""

    shingles: dict[int, set[int]]  # window size -> hashes of withheld windows
    tokens: dict[str, tuple[str, str]]  # token -> (what it is, whose)

    @classmethod
    def build(cls, withheld: list[_Withheld], public_texts: list[str], content: Content) -> _Needles:
        shingles: dict[int, set[int]] = {
            SHINGLE: set(_windows(_joined_words(t for w in withheld for t in w.texts), SHINGLE))
        }
        for item in withheld:
            size = len(_words(item.title))
            if SHORT_TITLE <= size < SHINGLE:
                shingles.setdefault(size, set()).add(hash(tuple(_words(item.title))))
        # a draft may share a sentence with published text: not a leak
        public = _TOKEN.findall(_SEPARATOR.join(t.lower() for t in public_texts))
        public_words = _words_of(public)
        for size, hashes in shingles.items():
            hashes.difference_update(_windows(public_words, size))
        public_tokens = set(public)
        tokens: dict[str, tuple[str, str]] = {}
        for item in withheld:
            for kind, value in (("slug", item.slug), ("id", item.id)):
                value = value.lower()
                # a one-word slug ("asthma") is an ordinary word: its page and its text are checked instead
                if value and not value.isalpha() and value not in public_tokens:
                    tokens.setdefault(value, (f"{kind} `{value}` of unpublished article", item.path))
        registry = content.corpus.registry
        person_ids = {pid.lower() for pid in registry.people}
        for person in registry.people.values():
            login = person.github.lower()
            if login and login not in person_ids:  # a login equal to a public id reveals nothing
                tokens[login] = ("GitHub login of a person in", registry.path)
        return cls({k: v for k, v in shingles.items() if v}, tokens)


def _find_token(lower: str, token: str) -> int:
    match = re.search(rf"(?<![\w.-]){re.escape(token)}(?![\w]|[-.]\w)", lower)
    return match.start() if match else 0


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# -- thin readers -------------------------------------------------------------------


def site_entries(site_dir: Path) -> list[tuple[str, str]]:
    """Every entry under the built site as (path relative to it, kind), in a stable order,
    without following links: kind is file, link or special."""
    found: list[tuple[str, str]] = []
    for folder, dirs, files in os.walk(site_dir):  # never descends into a linked folder
        dirs.sort()
        base = Path(folder).relative_to(site_dir).as_posix()
        for name in sorted(dirs) + sorted(files):
            rel = name if base == "." else f"{base}/{name}"
            try:
                mode = os.lstat(Path(folder) / name).st_mode
            except OSError:
                found.append((rel, "special"))
                continue
            if stat.S_ISLNK(mode):
                found.append((rel, "link"))
            elif stat.S_ISREG(mode):
                found.append((rel, "file"))
            elif not stat.S_ISDIR(mode):
                found.append((rel, "special"))
    return found


def read_entry(site_dir: Path, rel: str, kind: str) -> SiteFile:
    """One entry as the audit judges it: never through a link, never a device, never past MAX_READ."""
    if kind != "file":
        return SiteFile(rel, None, kind)
    from .workspace import NotRegular, open_regular

    try:
        data = open_regular(site_dir / rel, MAX_READ + 1)
    except NotRegular:
        return SiteFile(rel, None, "special")
    except OSError as exc:
        return SiteFile(rel, None, "link" if exc.errno == 40 else "special")  # 40: ELOOP, a link after all
    return SiteFile(rel, None, "large") if len(data) > MAX_READ else SiteFile(rel, data)


def read_site(site_dir: Path) -> Iterator[SiteFile]:
    for rel, kind in site_entries(site_dir):
        yield read_entry(site_dir, rel, kind)


_PREPARED: Audit | None = None  # the audit worker processes inherit when they are forked (see `prepare`)


def prepare(run: Audit) -> None:
    """Make `run` the audit that worker processes forked from now on inherit (a pool forks
    its processes when it is first given work, so this stays until the next audit)."""
    global _PREPARED
    _PREPARED = run


def check_page(rel: str, data: bytes) -> Verdict:
    """In a worker forked after `prepare`: the verdict on one page as written."""
    assert _PREPARED is not None, "the audit is prepared before the worker is forked"
    return _PREPARED.check(SiteFile(rel, data))


def prepared_needles() -> _Needles:
    """In a worker: what it searches for, built there, for the process that forked it to share
    the rest of the work (worked out from the same content, so the same as building them)."""
    assert _PREPARED is not None, "the audit is prepared before the worker is forked"
    return _PREPARED.needles


def build_needles() -> bool:
    """In a worker forked after `prepare`: build what it searches for now, so that the first
    page it is handed waits for nothing (True; the index stays in the worker)."""
    return prepared_needles() is not None


def share_needles(run: Audit, executor: Executor) -> None:
    """Take the needles the worker on `executor` built, instead of building them again here."""
    if run._needles is None:
        try:
            run._needles = executor.submit(prepared_needles).result()
        except Exception:  # noqa: BLE001 - a lost worker: they are built here when needed
            pass


def judge_pages(run: Audit, site_dir: Path, rels: Sequence[str], executor: Executor | None) -> list[Verdict]:
    """The verdicts on pages of the site as written to disk, one per `rels`: on `executor`
    and here (see workers.share_chunks), or on both cores."""
    prepare(run)
    entries = [(rel, "file", None) for rel in rels]
    return list(_chunks(partial(_check_chunk, site_dir, frozenset()), entries, executor))


def audit_site(
    run: Audit,
    site_dir: Path,
    proved: Mapping[str, tuple[bytes, Verdict]] | None = None,
    folder: str = "",
    executor: Executor | None = None,
    skip: str = "",
) -> tuple[list[Problem], int]:
    """(problems, number of entries) of the site in `site_dir`: the pages first (they say which
    content files may be here), then every other file; on both cores when the site is large,
    or on `executor`, a worker forked after `prepare(run)` (it has built what it searches for).

    `proved`: pages this same `run` already judged while the build wrote them (site path ->
    (SHA-256 of the bytes judged, verdict)); a file on disk with exactly those bytes keeps its
    verdict, any other is judged now. Nothing is remembered beyond one build.
    `folder` (e.g. "pagefind/"): only the files under it, which the build wrote after the rest
    had passed (they may not be pages, nor content files: nothing refers to them). `skip`: a
    folder left out, to be audited that way later."""
    if folder:
        prefix = folder.rstrip("/") + "/"
        if (site_dir / prefix.rstrip("/")).is_symlink():  # os.walk would follow it
            entries = [(prefix.rstrip("/"), "link")]
        else:
            entries = [(prefix + rel, kind) for rel, kind in site_entries(site_dir / prefix)]
    else:
        entries = site_entries(site_dir)
    if skip:  # what is under the folder; a link or a file in its place is judged now
        entries = [(rel, kind) for rel, kind in entries if not rel.startswith(skip.rstrip("/") + "/")]
    known = proved or {}
    pages = [(rel, kind, known.get(rel)) for rel, kind in entries if rel.lower().endswith(site_files.HTML_SUFFIXES)]
    others = [(rel, kind, None) for rel, kind in entries if not rel.lower().endswith(site_files.HTML_SUFFIXES)]
    if executor is None and len(entries) >= workers.PARALLEL_FROM:
        run.needles  # noqa: B018 - built once, before the fork, rather than once a worker
    prepare(run)
    verdicts = list(_chunks(partial(_check_chunk, site_dir, frozenset()), pages, executor))
    referenced = frozenset().union(*(v.refers_to for v in verdicts))
    verdicts += list(_chunks(partial(_check_chunk, site_dir, referenced), others, executor))
    return [p for v in verdicts for p in v.problems], len(entries)


def _chunks(function: Any, entries: Sequence[Any], executor: Executor | None) -> Iterator[Verdict]:
    """On `executor` (the build's audit worker) and here, or on a pool of their own."""
    if executor is not None:
        return workers.share_chunks(function, entries, executor)
    return workers.map_chunks(function, entries)


def _check_chunk(
    site_dir: Path, referenced: frozenset[str], entries: Sequence[tuple[str, str, tuple[bytes, Verdict] | None]]
) -> list[Verdict]:
    """In a worker (or here): the verdicts of some entries of the site."""
    assert _PREPARED is not None, "audit_site prepares the audit before the work starts"
    run = _PREPARED
    verdicts = []
    for rel, kind, known in entries:
        item = read_entry(site_dir, rel, kind)
        if known is not None and item.data is not None and hashlib.sha256(item.data).digest() == known[0]:
            verdicts.append(known[1])
        else:
            verdicts.append(run.check(item, referenced))
    return verdicts


class _Digests(Mapping[str, bytes]):
    """Site path -> SHA-256 of a file, read when first asked (most are never asked)."""

    def __init__(self, paths: dict[str, Path]):
        self.paths = paths
        self.known: dict[str, bytes] = {}

    def __getitem__(self, rel: str) -> bytes:
        if rel not in self.known:
            from .workspace import open_regular

            try:
                self.known[rel] = hashlib.sha256(open_regular(self.paths[rel], MAX_READ + 1)).digest()
            except OSError:
                self.known[rel] = b""  # unreadable: matches no file of the site
        return self.known[rel]

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


def theme_files(dirs: Sequence[str], custom_dir: str | None = None) -> tuple[Mapping[str, bytes], frozenset[str]]:
    """The theme's own files by site path (the first theme folder that has a path wins, as in
    MkDocs), without dot files and folders (MkDocs never copies them); and those of them that
    come from the installed theme package rather than the project's `custom_dir` (overrides/)."""
    paths: dict[str, Path] = {}
    for folder in dirs:
        root = Path(folder)
        for current, subdirs, names in os.walk(root):
            subdirs[:] = [d for d in subdirs if not d.startswith(".")]
            base = Path(current)
            for name in names:
                if not name.startswith("."):
                    paths.setdefault((base / name).relative_to(root).as_posix(), base / name)
    custom = Path(custom_dir) if custom_dir else None
    packaged = frozenset(rel for rel, path in paths.items() if custom is None or not path.is_relative_to(custom))
    return _Digests(paths), packaged


def read_content(ws: Any, corpus: Corpus, docs_dir: Path | None = None, config: Any = None) -> Content:
    """What the audit needs from content/ and the theme beside the corpus (a Workspace `ws`;
    `config`: the loaded MkDocs config, loaded from mkdocs.yml when not given)."""
    from .workspace import CONFIG, read_regular, scan_content

    if config is None:
        from mkdocs.config import load_config

        config = load_config(config_file=str(ws.root / CONFIG))
    docs = (docs_dir or Path(config.docs_dir)).resolve()
    policy = corpus.context.policy
    scan = scan_content(docs, ws.rel(docs), policy.site_pages)
    site_pages = {}
    for src_uri in policy.site_pages:
        data = read_regular(docs / src_uri, MAX_READ) if src_uri in scan.files else None
        if data is not None:
            site_pages[src_uri] = data.decode("utf-8", errors="replace")
    files = {}
    for src_uri in scan.files:
        if site_files.is_asset_type(src_uri):
            files[src_uri] = docs / src_uri
    loaded = {a.path for a in corpus.articles}
    raw = {}
    for path in corpus.paths:
        if path in corpus.unread:
            raw[path] = corpus.unread[path].decode("utf-8", errors="replace")
        elif path not in loaded:
            source = ws.source(ws.root / path)  # the safe reader: no symlinks, size-limited
            if source.data is not None:
                raw[path] = source.data.decode("utf-8", errors="replace")
    theme, packaged = theme_files(config.theme.dirs, config.theme.custom_dir)
    return Content(corpus, ws.rel(docs), site_pages, raw, theme, _Digests(files), config.site_url or "", packaged)
