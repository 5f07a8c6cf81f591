"""A content cache for the file-local part of the checks, and a parallel cold run.

An adapter around the pure core (`corpus.analyse`): what a file's bytes alone say
(the loaded article and the problems of the loader and of the `FILE_LOCAL` rules) is
remembered in ONE file, `.cache/editorial/files.cache` at the project root, keyed by
the SHA-256 of the file's bytes. The key of the whole cache also covers the code and
the schemas, so a new rule or a schema change starts from scratch. The rules that
need other files, the registry, the policy or the date always run (corpus.build).

Fail closed: an unreadable, corrupt or foreign cache file is ignored (a full check),
a cache that cannot be written is simply not written, and nothing here can turn a
problem into a pass: a miss always runs the real checks.
"""
from __future__ import annotations

import gc
import hashlib
from functools import lru_cache
from importlib import metadata
import marshal
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .corpus import FileResult, Source, analyse
from .loader import decode, parse_yaml, split
from .model import Article, Located, Problem

CACHE_FILE = ".cache/editorial/files.cache"
MAGIC = b"editorial-cache-1\n"
PARALLEL_FROM = 300  # below this many files to analyse, starting processes costs more than it saves
CHUNK = 250
PACKAGE = Path(__file__).resolve().parent
SCHEMAS = PACKAGE.parents[1] / "schemas"

# the modules whose code decides what a file's bytes alone say (rules/ and schemas/ too)
CORE_MODULES = ("model", "loader", "digest", "text", "schemas", "corpus", "cache")

Progress = Callable[[int, int], None]  # (files done, files in all)


def enabled() -> bool:
    """EDITORIAL_CACHE=off (or 0) turns the cache off, e.g. to time a cold run."""
    return os.environ.get("EDITORIAL_CACHE", "on").lower() not in ("0", "off", "no", "false")


@lru_cache(maxsize=1)
def code_version() -> str:
    """Changes whenever anything that decides a file-local finding changes."""
    digest = hashlib.sha256(sys.version.encode())
    core = [PACKAGE / f"{name}.py" for name in CORE_MODULES]
    files = core + sorted((PACKAGE / "rules").glob("*.py")) + sorted(SCHEMAS.glob("*.json"))
    for path in files:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes())
    for name in ("PyYAML", "python-frontmatter", "textstat", "fastjsonschema", "jsonschema"):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "?"
        digest.update(f"{name}={installed}".encode())
    return digest.hexdigest()


# -- one file's result as plain values (marshal-able, path-free) ---------------------
def to_entry(result: FileResult):
    problems = [(p.line, p.column, p.code, p.message) for p in result.problems]
    article = result.article
    if article is None:
        return (None, problems)
    located = article.located
    # The references' inner positions are most of the bulk and only file-local rules
    # (already run) point into them; they are parsed again if anyone asks (_Positions).
    positions = {k: v for k, v in located.positions.items() if k[0] != "references" or len(k) <= 2}
    return ((article.meta, positions, located.start, article.body_line, article.digest), problems)


def from_entry(entry, path: str, text: str) -> FileResult:
    loaded, problems = entry
    found = [Problem(path, line, column, code, message) for line, column, code, message in problems]
    if loaded is None:
        return FileResult(None, found)
    meta, positions, start, body_line, digest = loaded
    body = text.split("\n", body_line - 1)[-1]  # as loader.split cuts it
    located = Located(meta, _Positions(positions, path, text), tuple(start))
    return FileResult(Article(path, meta, body, body_line, located, digest), found)


class _Positions(dict):
    """The positions kept in the cache; the first question about any other key
    parses the front matter again, so every answer is what a full load gives."""

    def __init__(self, kept: dict, path: str, text: str):
        super().__init__(kept)
        self._path, self._text = path, text

    def _complete(self) -> bool:
        if self._text is None:
            return False
        text, self._text = self._text, None
        parts, _ = split(self._path, text)
        located, _ = parse_yaml(self._path, parts[0], first_line=2) if parts else (None, [])
        if located is not None:
            self.update(located.positions)
        return True

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or (self._complete() and dict.__contains__(self, key))

    def __getitem__(self, key):
        if key not in self:
            raise KeyError(key)
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __iter__(self):
        self._complete()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._complete()
        return dict.__len__(self)

    def keys(self):
        self._complete()
        return dict.keys(self)

    def items(self):
        self._complete()
        return dict.items(self)

    def values(self):
        self._complete()
        return dict.values(self)


def _analyse_chunk(items: list[tuple[str, bytes]]) -> list:
    """In a worker process: the entries of a chunk of files."""
    return [to_entry(analyse(Source(path, data))) for path, data in items]


class ContentCache:
    """An `Analyser` (see corpus.py) that remembers file-local results by content."""

    def __init__(self, root: Path, progress: Progress | None = None, workers: int | None = None):
        self.file = root / CACHE_FILE
        self.progress = progress
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.hits = self.misses = 0
        self.note = ""  # why the cache was not used or not saved, if it was not

    def __call__(self, sources: Sequence[Source]) -> list[FileResult]:
        # Millions of small acyclic objects come out of the cache: the cyclic garbage
        # collector would walk them again and again (3x slower), so it waits.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._results(sources)
        finally:
            gc.freeze()  # what was loaded is acyclic and lives as long as the corpus: never scan it
            if was_enabled:
                gc.enable()

    def _results(self, sources: Sequence[Source]) -> list[FileResult]:
        version = code_version()
        known = self._load(version)
        keys = [hashlib.sha256(s.data).digest() for s in sources]
        results: list[FileResult | None] = [None] * len(sources)
        missing: list[int] = []
        for index, (source, key) in enumerate(zip(sources, keys)):
            entry = known.get(key)
            if entry is None:
                missing.append(index)
                continue
            try:
                text, _ = decode(source.path, source.data)
                results[index] = from_entry(entry, source.path, text or "")
            except Exception:  # a malformed entry: check the file for real
                missing.append(index)
        self.hits, self.misses = len(sources) - len(missing), len(missing)
        self._report(self.hits, len(sources))

        fresh: dict[bytes, object] = {}
        for index, entry in self._analyse([sources[i] for i in missing], self.hits, len(sources)):
            index = missing[index]
            results[index] = from_entry(entry, sources[index].path, _text(sources[index]))
            if not any(code == "E199" for _, _, code, _ in entry[1]):  # internal errors are retried next time
                fresh[keys[index]] = entry
        if fresh or len(known) != len(set(keys)):
            used = {key: known[key] for key in keys if key in known}
            used.update(fresh)
            self._save(version, used)
        return results

    # -- analysing the misses ------------------------------------------------------
    def _analyse(self, sources: list[Source], done: int, total: int):
        """(position in `sources`, entry) for each source, in any order."""
        if len(sources) < PARALLEL_FROM or self.workers < 2:
            for index, source in enumerate(sources):
                yield index, to_entry(analyse(source))
                if (index + 1) % CHUNK == 0:
                    self._report(done + index + 1, total)
            return
        chunks = [list(range(start, min(start + CHUNK, len(sources)))) for start in range(0, len(sources), CHUNK)]
        try:
            with ProcessPoolExecutor(max_workers=self.workers) as pool:
                futures = [pool.submit(_analyse_chunk, [(sources[i].path, sources[i].data) for i in chunk]) for chunk in chunks]
                for chunk, future in zip(chunks, futures):
                    for index, entry in zip(chunk, future.result()):
                        yield index, entry
                    done += len(chunk)
                    self._report(done, total)
        except (OSError, RuntimeError, ImportError) as exc:  # no processes here (sandbox, broken pool): one by one
            self.note = f"parallel check unavailable ({type(exc).__name__}); checked in one process"
            self.workers = 1
            yield from self._analyse(sources, done, total)

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    # -- the cache file ------------------------------------------------------------
    def _load(self, version: str) -> dict:
        try:
            blob = self.file.read_bytes()
        except OSError:
            return {}
        head = MAGIC + version.encode() + b"\n"
        if not blob.startswith(head):
            return {}  # another format or another version of the code: start again
        checksum, payload = blob[len(head):len(head) + 32], blob[len(head) + 32:]
        if hashlib.sha256(payload).digest() != checksum:
            self.note = f"{CACHE_FILE} is damaged; checked everything again"
            return {}
        try:
            entries = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def _save(self, version: str, entries: dict) -> None:
        payload = marshal.dumps(entries)
        blob = MAGIC + version.encode() + b"\n" + hashlib.sha256(payload).digest() + payload
        temp = self.file.with_name(f"{self.file.name}.{os.getpid()}.tmp")
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(blob)
            os.replace(temp, self.file)  # atomic: a reader sees the old or the new file
        except OSError as exc:
            self.note = f"cannot write {CACHE_FILE} ({exc.strerror}); the next run checks everything again"
            try:
                temp.unlink()
            except OSError:
                pass


def _text(source: Source) -> str:
    text, _ = decode(source.path, source.data)
    return text or ""
