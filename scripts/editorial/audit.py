"""The audit: proves that a built site holds approved content only.

`audit()` is pure: it is handed the site's files as (relative path, bytes) pairs and
what content/ holds (`Content`), and returns problems (codes E95x); `Audit` is the same
work prepared once, then done file by file. `read_site()` and `read_content()` are the
thin readers, and `audit_site()` runs an `Audit` over a folder, on both cores when it is
large; the CLI (`editorial audit SITE_DIR`) and the MkDocs plugin (at the end of every
production build) call the same functions.

It must scale linearly with the site: every file is turned into words once, and its
8-word windows ("shingles") are looked up in a set built from the unpublished articles'
text, minus the shingles that published text also contains (a draft may quote a
published article). Ids, slugs and GitHub logins are looked up in each file's set of
tokens. No loop runs over needles x files.
"""
from __future__ import annotations

import hashlib
import html
import json
import multiprocessing
import os
import posixpath
import re
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import site_files
from .corpus import Corpus
from .model import Article, Problem

PREVIEW_MARKER = "editorial-preview-build"  # in every page of a preview build (meta tag), nowhere else
SHINGLE = 8  # words per window: long enough to be specific to one text
SHORT_TITLE = 3  # titles of 3..7 words are looked up as a whole phrase; shorter ones are too generic
KNOWN_PREFIXES = ("search/", "tags/")  # pages that search and tag plugins generate
KNOWN_PAGES = {"404.html"}
MAX_UNZIPPED = 200_000_000  # a sitemap.xml.gz is kilobytes; never inflate a bomb

_TOKEN = re.compile(r"\w+(?:[-.]\w+)*")  # ids, slugs, logins: words joined by - or .
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
    """What content/ holds, as the audit needs it (read by `read_content`)."""

    corpus: Corpus
    docs: str = "content"  # docs_dir relative to the project root
    site_pages: dict[str, str] = field(default_factory=dict)  # src_uri -> text, Markdown pages outside articles/
    raw: dict[str, str] = field(default_factory=dict)  # article path -> text, for files the loader could not read
    data_files: set[str] = field(default_factory=set)  # src_uris of data files (people.yml, ...)
    generated_pages: Iterable[str] = ()  # URLs of pages the plugin generates, e.g. "board/"


@dataclass
class _Withheld:
    path: str
    src_uri: str
    slug: str
    id: str
    title: str
    texts: list[str]


@dataclass
class Memory:
    """Files already proved free of leaks, for a warm build (see gate.finish).

    A file's text search depends only on its bytes, its kind (JSON, gzip) and the needles,
    and the needles only on the unpublished and published texts and the registry. So
    `key` is the code's version plus a SHA-256 of all of those, and `clean` holds SHA-256
    digests of files whose search found nothing under that key; any change to the content
    or the code gives a new key and an empty set (every file is searched again). Path
    checks (stale pages, data files, assets) always run."""

    code: str  # version of the audit code (the caller hashes the source files)
    key: str = ""
    clean: set[bytes] = field(default_factory=set)  # digests proved clean under `key`
    proved: set[bytes] = field(default_factory=set)  # digests proved clean by this run


def audit(site: Iterable[tuple[str, bytes]], content: Content, *, shown: str = "site",
          memory: Memory | None = None) -> list[Problem]:
    """Every problem with the built site `site`; `shown` prefixes the paths in messages.
    With `memory`, a file whose bytes were proved clean under the same key is not searched again."""
    run = Audit(content, shown=shown, memory=memory)
    return [problem for rel, data in site for problem in run.check(rel, data)]


class Audit:
    """One audit: what the site may hold and what must not appear in it, worked out once
    from `content`; then `check` judges one file at a time (in any order, in any process)."""

    def __init__(self, content: Content, *, shown: str = "site", memory: Memory | None = None):
        self.content, self.shown, self.memory = content, shown, memory
        decision = content.corpus.publication()
        by_path = {a.path: a for a in content.corpus.articles}
        prefix = content.docs.rstrip("/") + "/"
        published = [by_path[p] for p, reasons in decision.items() if not reasons and p in by_path]
        self.withheld = [_withheld(p, by_path.get(p), content.raw.get(p, ""), prefix) for p, reasons in decision.items() if reasons or p not in by_path]

        self.allowed_html = set(KNOWN_PAGES)
        for article in published:
            self.allowed_html |= site_files.page_outputs(_src_uri(article.path, prefix))
        for src_uri in content.site_pages:
            self.allowed_html |= site_files.page_outputs(src_uri)
        for url in content.generated_pages:
            self.allowed_html |= {f"{url}index.html", url.rstrip("/") + ".html"}
        self.withheld_pages = {out: w for w in self.withheld for out in site_files.page_outputs(w.src_uri)}

        self.public_texts = [t for a in published for t in _texts(a)] + list(content.site_pages.values())
        kept = [(_src_uri(a.path, prefix), a.body) for a in published] + list(content.site_pages.items())
        self.assets = site_files.withheld_assets(kept, [(w.src_uri, "\n".join(w.texts)) for w in self.withheld])
        self._needles: _Needles | None = None
        if memory is not None:
            key = _needles_key(memory.code, self.withheld, self.public_texts, content)
            if key != memory.key:
                memory.key, memory.clean = key, set()
            memory.proved = set()

    @property
    def needles(self) -> "_Needles":
        """Built only when some file has to be searched (a warm build may search none)."""
        if self._needles is None:
            self._needles = _Needles.build(self.withheld, self.public_texts, self.content)
        return self._needles

    def check(self, rel: str, data: bytes) -> list[Problem]:
        """The problems of one file of the site, `rel` its path relative to the site."""
        where = f"{self.shown}/{rel}"
        lower = rel.lower()
        problems: list[Problem] = []
        if lower.endswith(site_files.HTML_SUFFIXES) and rel not in self.allowed_html and not rel.startswith(KNOWN_PREFIXES):
            owner = self.withheld_pages.get(rel)
            why = (f"is the page of unpublished article {owner.path} (a stale page from an earlier build?)" if owner
                   else "belongs to no published article and no known site page")
            problems.append(Problem(where, 1, 1, "E952", f"{rel} {why}; rebuild the site from a clean folder with `mkdocs build`"))
        if rel in self.content.data_files or rel.rsplit("/", 1)[-1] == "people.yml":
            problems.append(Problem(where, 1, 1, "E956", f"data file {rel} was copied into the site; it must never be published (check the `editorial` plugin is enabled)"))
        if rel in self.assets:
            problems.append(Problem(where, 1, 1, "E957", f"{rel} is used only by unpublished articles and must not be published; rebuild the site from a clean folder with `mkdocs build`"))
        memory = self.memory
        digest = hashlib.sha256(_kind(lower).encode() + b"\0" + data).digest() if memory is not None else b""
        if digest and digest in memory.clean:
            memory.proved.add(digest)
            return problems
        found = self.needles.search(where, _text_of(lower, data))
        problems.extend(found)
        if digest and not found:
            memory.proved.add(digest)
        return problems


def _kind(lower_name: str) -> str:
    """What decides how a file's bytes are read (_text_of): gzip, JSON, anything else."""
    gz = lower_name.endswith(".gz")
    name = lower_name[:-3] if gz else lower_name
    return ("gz+" if gz else "") + ("json" if name.endswith(".json") else "text")


def _needles_key(code: str, withheld: list[_Withheld], public_texts: list[str], content: Content) -> str:
    """Everything the needles are built from (_Needles.build), hashed with the code's version."""
    digest = hashlib.sha256(code.encode())
    for item in withheld:
        digest.update("\0".join(["W", item.path, item.slug, item.id, item.title, str(len(item.texts))]).encode("utf-8", "surrogatepass"))
        for text in item.texts:
            digest.update(b"\1" + text.encode("utf-8", "surrogatepass"))
    for text in public_texts:
        digest.update(b"\2" + text.encode("utf-8", "surrogatepass"))
    registry = content.corpus.registry
    digest.update(f"\3{registry.path}".encode())
    for pid, person in sorted(registry.people.items()):
        digest.update(f"\4{pid}\0{person.github}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _src_uri(path: str, prefix: str) -> str:
    return path[len(prefix):] if path.startswith(prefix) else path


def _withheld(path: str, article: Article | None, raw: str, prefix: str) -> _Withheld:
    src_uri = _src_uri(path, prefix)
    slug = posixpath.splitext(src_uri.rsplit("/", 1)[-1])[0]
    if article is not None:
        return _Withheld(path, src_uri, slug, article.id, article.title, _texts(article))
    id_match, title_match = _RAW_ID.search(raw), _RAW_TITLE.search(raw)
    return _Withheld(path, src_uri, slug, id_match.group(1) if id_match else "",
                     title_match.group(1) if title_match else "", _raw_texts(raw))


def _raw_texts(raw: str) -> list[str]:
    """A file the loader could not read: its body, and each front-matter line's value on
    its own (a window across `title: ...` and `description: ...` would match the page
    head of any article, so values are never joined)."""
    lines = raw.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0) if lines[0].strip() == "---" else 0
    if not end:  # no front matter found (never closed, hidden in a comment): every line on its own, keys dropped
        return [v for v in (_YAML_KEY.sub("", line) for line in lines) if v.strip()]
    values = [_YAML_KEY.sub("", line) for line in lines[1:end]]
    return ["\n".join(lines[end + 1:] if end else lines)] + [v for v in values if v.strip()]


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
    return _words_of(_TOKEN.findall(text.lower()))


def _joined_words(texts: Iterable[str]) -> list[str]:
    """The words of many texts in one pass; the separator word keeps a window from joining two texts."""
    return _words_of(_TOKEN.findall(_SEPARATOR.join(t.lower() for t in texts)))


def _words_of(tokens: list[str]) -> list[str]:
    """The words of a text from its tokens (each word is in exactly one token), without a second regex pass."""
    return " ".join(tokens).replace("-", " ").replace(".", " ").split()


def _windows(words: list[str], size: int) -> Iterator[int]:
    """Hashes of every `size`-word window, computed at C speed (zip of shifted slices)."""
    return map(hash, zip(*(words[i:] for i in range(size))))


def _text_of(lower_name: str, data: bytes) -> str:
    """A file's text as a reader would see it: tags dropped but attribute values kept
    (a meta description or an href leaks too), entities and JSON escapes decoded."""
    if lower_name.endswith(".gz"):
        data = _gunzip(data)
        lower_name = lower_name[:-3]
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
    """What must not appear anywhere, indexed for lookups that cost one pass per file."""

    shingles: dict[int, set[int]]  # window size -> hashes of withheld windows
    tokens: dict[str, tuple[str, str]]  # token -> (what it is, whose)
    withheld: list[_Withheld]

    @classmethod
    def build(cls, withheld: list[_Withheld], public_texts: list[str], content: Content) -> "_Needles":
        shingles: dict[int, set[int]] = {SHINGLE: set(_windows(_joined_words(t for w in withheld for t in w.texts), SHINGLE))}
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
        return cls({k: v for k, v in shingles.items() if v}, tokens, withheld)

    def search(self, where: str, text: str) -> list[Problem]:
        problems = []
        if PREVIEW_MARKER in text:
            line, col = _position(text, text.index(PREVIEW_MARKER))
            problems.append(Problem(where, line, col, "E951", "this is a preview build (it carries the preview marker); previews are never deployed: build without EDITORIAL_PREVIEW and outside `mkdocs serve`"))
        lower = text.lower()
        tokens = _TOKEN.findall(lower)
        for token in sorted(self.tokens.keys() & set(tokens)):
            what, whose = self.tokens[token]
            line, col = _position(lower, _find_token(lower, token))
            code = "E955" if what.startswith("GitHub") else "E954"
            problems.append(Problem(where, line, col, code, f"{what} {whose} appears here; it must not be published"))
        words = _words_of(tokens)
        hits: set[int] = set()
        for size, hashes in self.shingles.items():
            hits |= hashes.intersection(_windows(words, size))
        if hits:
            for item, count in self._owners(hits):
                problems.append(Problem(where, 1, 1, "E953", f"text of unpublished article {item.path} (\"{item.title or item.slug}\") appears here ({count} passage(s)); it must not be published"))
        return problems

    def _owners(self, hits: set[int]) -> Iterator[tuple[_Withheld, int]]:
        """Which withheld articles the leaked windows come from (only run on a finding)."""
        for item in self.withheld:
            mine: set[int] = set()
            for text in item.texts:
                words = _words(text)
                for size in self.shingles:
                    mine.update(_windows(words, size))
            found = len(hits & mine)
            if found:
                yield item, found


def _find_token(lower: str, token: str) -> int:
    match = re.search(rf"(?<![\w.-]){re.escape(token)}(?![\w]|[-.]\w)", lower)
    return match.start() if match else 0


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# -- thin readers -------------------------------------------------------------------

def read_site(site_dir: Path) -> Iterator[tuple[str, bytes]]:
    """Every file under the built site, as (path relative to it, bytes)."""
    for rel in site_paths(site_dir):
        yield rel, (site_dir / rel).read_bytes()


def site_paths(site_dir: Path) -> list[str]:
    """Every file under the built site, as paths relative to it, in a stable order."""
    found = []
    for folder, dirs, files in os.walk(site_dir):
        dirs.sort()
        base = Path(folder).relative_to(site_dir).as_posix()
        found += [name if base == "." else f"{base}/{name}" for name in sorted(files)]
    return found


PARALLEL_FROM = 400  # files; below this, starting processes costs more than it saves
CHUNK = 250  # files a worker reads and searches per task
_RUN: Audit | None = None  # the prepared audit a forked worker inherits


def audit_site(run: Audit, site_dir: Path, workers: int | None = None) -> tuple[list[Problem], int]:
    """(problems, number of files) of the site in `site_dir`, on `workers` processes (by
    default two, or one on a one-core machine) when it is large. A worker is a fork of this process: it inherits `run` (with its needles
    already built when most files will need them) and reads and searches its own chunks;
    the problems come back in file order, the files proved clean go into `run.memory`."""
    global _RUN
    workers = min(2, os.cpu_count() or 1) if workers is None else workers
    rels = site_paths(site_dir)
    if workers < 2 or len(rels) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return [p for rel in rels for p in run.check(rel, (site_dir / rel).read_bytes())], len(rels)
    if run.memory is None or not run.memory.clean:
        run.needles  # noqa: B018 - build them once, before the fork, rather than once a worker
    _RUN = run
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            chunks = [rels[i:i + CHUNK] for i in range(0, len(rels), CHUNK)]
            results = list(pool.map(_check_chunk, [site_dir] * len(chunks), chunks))
    finally:
        _RUN = None
    problems = []
    for found, proved in results:
        problems += found
        if run.memory is not None:
            run.memory.proved |= proved
    return problems, len(rels)


def _check_chunk(site_dir: Path, rels: list[str]) -> tuple[list[Problem], set[bytes]]:
    """In a worker: the problems of some files, and the digests of those proved clean."""
    run = _RUN
    assert run is not None, "audit workers are forked from audit_site"
    if run.memory is not None:
        run.memory.proved = set()
    problems = [p for rel in rels for p in run.check(rel, (site_dir / rel).read_bytes())]
    return problems, (run.memory.proved if run.memory is not None else set())


def read_content(ws, corpus: Corpus, docs_dir: Path | None = None) -> Content:
    """What the audit needs from content/ beside the corpus (a Workspace `ws`)."""
    from .plugin.pages import GENERATED_PAGES

    docs = (docs_dir or ws.root / "content").resolve()
    site_pages: dict[str, str] = {}
    data_files: set[str] = set()
    for folder, dirs, files in os.walk(docs):
        dirs.sort()
        for name in files:
            path = Path(folder) / name
            src_uri = path.relative_to(docs).as_posix()
            if site_files.is_data_file(src_uri):
                data_files.add(src_uri)
            elif site_files.is_markdown(src_uri) and not site_files.is_article(src_uri) and not path.is_symlink():
                site_pages[src_uri] = path.read_bytes().decode("utf-8", errors="replace")
    loaded = {a.path for a in corpus.articles}
    raw = {}
    for path in corpus.paths:
        if path not in loaded:
            source = ws.source(ws.root / path)  # the safe reader: no symlinks, size-limited
            if source.data is not None:
                raw[path] = source.data.decode("utf-8", errors="replace")
    return Content(corpus, ws.rel(docs), site_pages, raw, data_files, tuple(GENERATED_PAGES))
