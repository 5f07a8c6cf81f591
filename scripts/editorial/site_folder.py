"""A built site and content/ as the audit reads them from disk, and the audit run over a
whole folder, on both cores when it is large (workers.py). The audit itself is pure
(core/audit.py); this is the thin reader around it that the `editorial audit` command and
the MkDocs plugin share. The site is never trusted: a symbolic link is reported, never
followed; a device or pipe is never read; no file is read past MAX_READ bytes (core/audit.py)."""

from __future__ import annotations

import hashlib
import multiprocessing.process
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Executor
from functools import partial
from pathlib import Path
from typing import Any

from . import audit_memo, workers
from .core import audit, site_files
from .core.audit import Audit, Content, SiteFile, Verdict, WholeAuditNeeded, _Needles
from .core.corpus import Corpus
from .core.model import Problem
from .core.vocabulary import CONFIG, CONTENT
from .workspace import ContentScan, NotRegular, open_regular, read_regular, scan_content


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
    try:
        data = open_regular(site_dir / rel, audit.MAX_READ + 1)
    except NotRegular:
        return SiteFile(rel, None, "special")
    except OSError as exc:
        return SiteFile(rel, None, "link" if exc.errno == 40 else "special")  # 40: ELOOP, a link after all
    return SiteFile(rel, None, "large") if len(data) > audit.MAX_READ else SiteFile(rel, data)


def read_site(site_dir: Path) -> Iterator[SiteFile]:
    for rel, kind in site_entries(site_dir):
        yield read_entry(site_dir, rel, kind)


_PREPARED: Audit | None = None  # the audit worker processes inherit when they are forked (see `prepare`)
_MEMO: audit_memo.Memo | None = None  # and the clean verdicts of the last build (a writer's, never CI's)
_HANDED: Handoff | None = None  # in a worker forked before them: where its audit's needles come from
# seconds to wait for them at most (they take about 8 s at 10,000 articles): where no /proc
# says the builder is gone, a builder killed outright would be waited for until then
NEEDLES_TIMEOUT = 900


def prepare(run: Audit, memo: audit_memo.Memo | None = None) -> None:
    """Make `run` (and `memo`) the audit that worker processes forked from now on inherit (a
    pool forks its processes when it is first given work, so this stays until the next audit)."""
    global _PREPARED, _MEMO
    if run is not _PREPARED:  # another audit: another memo, or none
        _MEMO = None
    _PREPARED = run
    if memo is not None:
        _MEMO = memo


def check_page(rel: str, data: bytes) -> Verdict:
    """In a worker forked after `prepare`, or handed its audit (`install`): the verdict on one
    page as written."""
    return _ready().check(SiteFile(rel, data))


def _ready() -> Audit:
    """The audit this process judges with, its needles loaded first if they were handed over."""
    assert _PREPARED is not None, "the audit is prepared (or installed) before a worker is given work"
    if _PREPARED._needles is None and _HANDED is not None:
        needles = _HANDED.wait(compact=False)
        if needles is None:
            raise WholeAuditNeeded("the needles never came: the build judges this itself")
        _PREPARED._needles = needles
    return _PREPARED


# -- a worker forked before the corpus is read -------------------------------------
# A forked process gets its own copy of each page of memory either process writes (in Python,
# reading an object writes its reference count), so a worker forked once the corpus is read
# ends up holding a copy of it (at 10,000 articles it grew from 91 MB to 181 MB idle, while the
# build rendered). The build's audit worker is forked first, as the references worker is, and
# handed an audit without the corpus; the needles are built by a process forked for that alone
# (it ends, and its copy with it) and written to a file both read.


class Handoff:
    """The needles of the prepared audit, written by a process of their own (`start`), for this
    process and the worker: `wait` until they are there; None when the builder failed or is gone."""

    def __init__(self, folder: str, builder: int):
        self.folder, self.builder = folder, builder
        self.path = os.path.join(folder, "needles")

    @classmethod
    def start(cls, run: Audit, beside: str) -> tuple[Handoff, multiprocessing.process.BaseProcess] | None:
        """Fork the builder now (it inherits `run`, the whole audit; it ends once it has written
        them): the handoff, and the builder for the caller to reap; None if it cannot be had.
        `beside`: the folder the site is built in; theirs is its sibling, named as the build's
        work folders are, so that a later build removes it if this one is killed."""
        prepare(run)
        parent, name = os.path.split(beside)
        site = name.split(".building-", 1)[0]  # ".site" of ".site.building-<pid>-..."
        try:  # 0700: this user's alone
            folder = tempfile.mkdtemp(prefix=f"{site}.needles-{os.getpid()}-", dir=parent)
        except OSError:
            return None
        handoff = cls(folder, 0)
        builder = workers.fork(_write_needles, (handoff.path,), "editorial-hash")
        if builder is None or builder.pid is None:
            handoff.remove()
            return None
        handoff.builder = builder.pid
        return handoff, builder

    def wait(self, *, compact: bool) -> _Needles | None:
        deadline = time.monotonic() + NEEDLES_TIMEOUT
        while not os.path.exists(self.path):
            if not workers.running(self.builder) and not os.path.exists(self.path):
                return None
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)
        try:
            with open(self.path, "rb") as file:
                return _Needles.from_bytes(file.read(), compact=compact)
        except (OSError, ValueError):
            return None

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _write_needles(path: str) -> None:
    """In the builder: the prepared audit's needles, written whole or not at all (an empty
    file says they could not be built)."""
    assert _PREPARED is not None, "the audit is prepared before the builder is forked"
    try:
        data = _PREPARED.needles.to_bytes()
    except Exception:  # noqa: BLE001 - said by an empty file: the build then builds them itself
        data = b""
    with open(path + ".part", "wb") as file:
        file.write(data)
    os.replace(path + ".part", path)


def install(run: Audit, memo: audit_memo.Memo | None, handed: Handoff) -> bool:
    """In a worker forked before the corpus was read: the audit it judges with (without the
    corpus: `Audit.without_corpus`), the memo, and where its needles come from."""
    global _PREPARED, _MEMO, _HANDED
    _PREPARED, _MEMO, _HANDED = run, memo, handed
    _ready()  # the needles now, so that the first page waits for nothing
    return True


def prepared_needles() -> _Needles:
    """In a worker: what it searches for, built there, for the process that forked it to share
    the rest of the work (worked out from the same content, so the same as building them), in
    their compact form (a sorted array: 8 bytes a window, where the worker's set takes about 70)."""
    assert _PREPARED is not None, "the audit is prepared before the worker is forked"
    return _PREPARED.needles.compact()


def build_needles() -> bool:
    """In a worker forked after `prepare`: build what it searches for now, so that the first
    page it is handed waits for nothing (True; the index stays in the worker)."""
    return prepared_needles() is not None


def share_needles(run: Audit, executor: Executor, handed: Handoff | None = None) -> None:
    """Take the needles the worker on `executor` built (or the builder wrote, `handed`), instead
    of building them again here."""
    if run._needles is None and handed is not None:
        run._needles = handed.wait(compact=True)  # None: built here when needed
    elif run._needles is None:
        try:
            run._needles = executor.submit(prepared_needles).result()
        except Exception:  # noqa: BLE001 - a lost worker: they are built here when needed
            pass


def judge_pages(run: Audit, site_dir: Path, rels: Sequence[str], executor: Executor | None) -> list[Verdict]:
    """The verdicts on pages of the site as written to disk, one per `rels`: on `executor`
    and here (see workers.share_chunks), or on both cores."""
    prepare(run)
    entries = [(rel, "file", None) for rel in rels]
    judged = list(_chunks(partial(_check_chunk, site_dir, frozenset(), frozenset(), False), entries, executor))
    _remember(rels, judged, audit_memo.PAGES)
    return [verdict for verdict, _ in judged]


def audit_site(
    run: Audit,
    site_dir: Path,
    proved: Mapping[str, tuple[bytes, Verdict]] | None = None,
    folder: str = "",
    executor: Executor | None = None,
    skip: str = "",
    digests: dict[str, str] | None = None,
    owned: frozenset[int] = frozenset(),
) -> tuple[list[Problem], int]:
    """(problems, number of entries) of the site in `site_dir`: the pages first (they say which
    content files may be here), then every other file; on both cores when the site is large,
    or on `executor`, a worker forked after `prepare(run)` (it has built what it searches for).

    `proved`: pages this same `run` already judged while the build wrote them (site path ->
    (SHA-256 of the bytes judged, verdict)); a file on disk with exactly those bytes keeps its
    verdict, any other is judged now. Nothing is remembered beyond one build.
    `folder` (e.g. "pagefind/"): only the files under it, which the build wrote after the rest
    had passed (they may not be pages, nor content files: nothing refers to them). `skip`: a
    folder left out, to be audited that way later. `digests`, when given, is filled with the
    SHA-256 (hex) of every regular file, of the very bytes judged (the audit's manifest).
    `owned`: the `Verdict.owned` of pages judged before this call (for the search bundle)."""
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
    hashed = digests is not None
    judged = list(_chunks(partial(_check_chunk, site_dir, frozenset(), owned, hashed), pages, executor))
    _remember([rel for rel, _, _ in pages], judged, audit_memo.context(frozenset(), owned))
    referenced = frozenset().union(*(verdict.refers_to for verdict, _ in judged))
    owned = owned.union(*(verdict.owned for verdict, _ in judged))
    rest = list(_chunks(partial(_check_chunk, site_dir, referenced, owned, hashed), others, executor))
    _remember([rel for rel, _, _ in others], rest, audit_memo.context(referenced, owned))
    judged += rest
    if digests is not None:
        for rel, (_, digest) in zip([rel for rel, _, _ in pages] + [rel for rel, _, _ in others], judged, strict=True):
            if digest:
                digests[rel] = digest
    return [p for verdict, _ in judged for p in verdict.problems], len(entries)


def _chunks(function: Any, entries: Sequence[Any], executor: Executor | None) -> Iterator[tuple[Verdict, str]]:
    """On `executor` (the build's audit worker) and here, or on a pool of their own."""
    if executor is not None:
        return workers.share_chunks(function, entries, executor)
    return workers.map_chunks(function, entries)


def _check_chunk(
    site_dir: Path,
    referenced: frozenset[str],
    owned: frozenset[int],
    hashed: bool,
    entries: Sequence[tuple[str, str, tuple[bytes, Verdict] | None]],
) -> list[tuple[Verdict, str]]:
    """In a worker (or here): the verdicts of some entries of the site, each with the SHA-256 (hex)
    of the bytes judged when `hashed` ("" otherwise, and for what is not a regular file)."""
    run, memo = _ready(), _MEMO
    where = audit_memo.context(referenced, owned) if memo is not None else b""
    judged = []
    for rel, kind, known in entries:
        item = read_entry(site_dir, rel, kind)
        remembered = memo is not None and item.data is not None
        digest = (
            hashlib.sha256(item.data).digest() if item.data is not None and (hashed or known or remembered) else b""
        )
        verdict = known[1] if known is not None and digest == known[0] else None
        if verdict is None and memo is not None and remembered:
            verdict = memo.get(memo.key(rel, digest, where))
        if verdict is None:
            verdict = run.check(item, referenced, owned)
        judged.append((verdict, digest.hex() if hashed or remembered else ""))
    return judged


def _remember(rels: Sequence[str], judged: Sequence[tuple[Verdict, str]], where: bytes) -> None:
    """Keep in the prepared memo (in this process) the clean verdicts just given on `rels`."""
    if _MEMO is None:
        return
    for rel, (verdict, digest) in zip(rels, judged, strict=True):
        if digest:
            _MEMO.record(_MEMO.key(rel, bytes.fromhex(digest), where), verdict)


class _Digests(Mapping[str, bytes]):
    """Site path -> SHA-256 of a file, read when first asked (most are never asked)."""

    def __init__(self, paths: dict[str, Path]):
        self.paths = paths
        self.known: dict[str, bytes] = {}

    def __getitem__(self, rel: str) -> bytes:
        if rel not in self.known:
            try:
                self.known[rel] = hashlib.sha256(open_regular(self.paths[rel], audit.MAX_READ + 1)).digest()
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


def read_content(ws: Any, corpus: Corpus, config: Any = None, scan: ContentScan | None = None) -> Content:
    """What the audit needs from content/ and the theme beside the corpus (a Workspace `ws`;
    `config`: the loaded MkDocs config, loaded from mkdocs.yml when not given; `scan`: content/
    as the build already walked it). content/ itself, the contract's source folder, whatever
    mkdocs.yml's docs_dir says (the engine reads a placeholder or a staged folder)."""
    if config is None:
        from mkdocs.config import load_config

        config = load_config(config_file=str(ws.root / CONFIG))
    docs = ws.root / CONTENT
    policy = corpus.context.policy
    if scan is None:
        scan = scan_content(docs, CONTENT, policy.site_pages)
    site_pages = {}
    for src_uri in policy.site_pages:
        data = read_regular(docs / src_uri, audit.MAX_READ) if src_uri in scan.files else None
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
            raw[path] = corpus.unread[path]
        elif path not in loaded:
            source = ws.source(ws.root / path)  # the safe reader: no symlinks, size-limited
            if source.data is not None:
                raw[path] = source.data.decode("utf-8", errors="replace")
    theme, packaged = theme_files(config.theme.dirs, config.theme.custom_dir)
    return Content(corpus, CONTENT, site_pages, raw, theme, _Digests(files), config.site_url or "", packaged)
