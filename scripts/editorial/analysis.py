"""Analysing many files: on both cores when there are many, and for `editorial validate`
on a writer's machine, remembered by content.

An adapter around the pure core (`corpus.analyse`: one file's bytes -> the loaded article
and the problems of the loader and of the `FILE_LOCAL` rules). `analyse_all` always does
the work; it is what the build, the audit and CI use. `ValidateCache` remembers each
file's result by the SHA-256 of its bytes, in the cache store `validate`, for
`editorial validate` only: the rules that need other files, the registry, the policy or
the date always run (corpus.build), and a miss always runs the real checks.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Sequence
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

from . import cache, workers
from .core import jsonschemas
from .core.corpus import FileResult, Source, analyse
from .core.loader import decode, parse_yaml, split
from .core.model import Article, Located, Problem

Progress = Callable[[int, int], None]  # (files done, files in all)

# The modules whose code decides what a file's bytes alone say (rules/ and schemas/ too).
CORE_MODULES = (
    *("core/model", "core/vocabulary", "core/loader", "core/digest", "core/text", "core/jsonschemas", "core/corpus"),
    *("analysis", "cache"),
    "core/writer",  # the template's placeholders, which rules/template.py refuses
)
PACKAGES = ("PyYAML", "python-frontmatter", "textstat", "fastjsonschema", "jsonschema")


def analyse_all(sources: Sequence[Source], progress: Progress | None = None, advice: bool = True) -> list[FileResult]:
    """Every file analysed for real, on both cores when there are many (workers.py decides).
    `advice=False` (the public build): only the rules that can decide what is published."""
    total = len(sources)
    report = (lambda done: progress(done, total)) if progress else None
    with _collector_paused():
        # the generator first: zip then runs it to its end, so the last progress report is made
        return [
            from_entry(entry, source.path, _text(source))
            for entry, source in zip(
                workers.map_chunks(partial(_analyse_chunk, advice), sources, report), sources, strict=True
            )
        ]


def _analyse_chunk(advice: bool, sources: Sequence[Source]) -> list[Any]:
    """In a worker (or here): the plain-value entries of a chunk of files."""
    return [to_entry(analyse(source, advice)) for source in sources]


class _collector_paused:
    """Millions of small acyclic objects come out of the YAML and the cache: the cyclic
    garbage collector would walk them again and again (3x slower), so it waits, and what was
    loaded (it lives as long as the corpus) is frozen out of its reach."""

    def __enter__(self) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        gc.freeze()
        if self.was_enabled:
            gc.enable()


# -- one file's result as plain values (marshal-able, path-free) ---------------------
def to_entry(result: FileResult) -> Any:
    problems = [(p.line, p.column, p.code, p.message) for p in result.problems]
    article = result.article
    if article is None:
        return (None, problems)
    located = article.located
    # The top-level keys' positions only: the corpus-wide rules ask for those of every article
    # (review_status, next_review), and for a nested one (a review's date, an author) only when
    # they report a problem there; the file-local rules, which point anywhere, have run. A nested
    # position is parsed again when asked (_Positions): 5 KB less an article, held for the corpus.
    positions = {k: v for k, v in located.positions.items() if len(k) == 1}
    return ((article.meta, positions, located.start, article.body_line, article.digest), problems)


def from_entry(entry: Any, path: str, text: str) -> FileResult:
    loaded, problems = entry
    found = [Problem(path, line, column, code, message) for line, column, code, message in problems]
    if loaded is None:
        return FileResult(None, found)
    meta, positions, start, body_line, digest = loaded
    head, body = split_at_line(text, body_line)
    # the front matter only: the body is the Article's already, and twice the text per article
    # is held for the whole corpus (validate's 4 GB at 100,000 articles)
    located = Located(meta, _Positions(positions, path, head), tuple(start))
    return FileResult(Article(path, meta, body, body_line, located, digest), found)


def split_at_line(text: str, line: int) -> tuple[str, str]:
    """(the text before line `line`, the rest) as loader.split cuts the body: a file whose
    closing `---` is its last line, without a newline, has an empty body."""
    parts = text.split("\n", line - 1)
    if len(parts) < line:
        return text, ""
    body = parts[-1]
    return text[: len(text) - len(body)], body


class _Positions(dict):
    """The positions kept in an entry; the first question about any other key parses the
    front matter again, so every answer is what a full load gives."""

    def __init__(self, kept: dict, path: str, text: str):
        super().__init__(kept)
        self._path = path
        self._text: str | None = text

    def _complete(self) -> bool:
        if self._text is None:
            return False
        text, self._text = self._text, None
        parts, _ = split(self._path, text)
        located, _ = parse_yaml(self._path, parts[0], first_line=2) if parts else (None, [])
        if located is not None:
            self.update(located.positions)
        return True

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or (self._complete() and dict.__contains__(self, key))

    def __getitem__(self, key: Any) -> Any:
        if key not in self:
            raise KeyError(key)
        return dict.__getitem__(self, key)

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self else default  # noqa: SIM401 (self.get would call itself)

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


def _text(source: Source) -> str:
    text, _ = decode(source.path, source.data or b"")
    return text or ""


def code_version() -> str:
    """Changes whenever anything that decides a file-local finding changes."""
    package = cache.PACKAGE
    files = [package / f"{name}.py" for name in CORE_MODULES]
    files += sorted((package / "core" / "rules").glob("*.py"))
    files += sorted(Path(str(p)) for p in resources.files(jsonschemas.SCHEMAS).iterdir() if p.name.endswith(".json"))
    return cache.code_version(files, PACKAGES)


class ValidateCache:
    """An analyser (see corpus.py) for `editorial validate` that remembers file-local results
    by content. Only `editorial validate` uses it, and never in CI (see cache.py)."""

    def __init__(self, root: Path, progress: Progress | None = None):
        self.store = cache.Store(root, "validate", code_version())
        self.progress = progress
        self.hits = self.misses = 0

    @property
    def note(self) -> str:
        return self.store.note

    def __call__(self, sources: Sequence[Source]) -> list[FileResult]:
        with _collector_paused():
            known = self.store.load()
            keys = [hashlib.sha256(s.data or b"").digest() for s in sources]
            results: list[FileResult | None] = [None] * len(sources)
            missing: list[int] = []
            for index, (source, key) in enumerate(zip(sources, keys, strict=True)):
                entry = known.get(key)
                try:
                    if entry is not None:
                        results[index] = from_entry(entry, source.path, _text(source))
                        continue
                except Exception:  # noqa: BLE001 - a malformed entry: the file is checked for real
                    pass
                missing.append(index)
            self.hits, self.misses = len(sources) - len(missing), len(missing)
            if self.progress:
                self.progress(self.hits, len(sources))
            todo = [sources[i] for i in missing]
            progress = self.progress
            report = (lambda done: progress(self.hits + done, len(sources))) if progress else None
            fresh = {}
            for entry, index in zip(
                workers.map_chunks(partial(_analyse_chunk, True), todo, report), missing, strict=True
            ):
                results[index] = from_entry(entry, sources[index].path, _text(sources[index]))
                if not any(code == "E199" for _, _, code, _ in entry[1]):  # internal errors are retried next time
                    fresh[keys[index]] = entry
        if fresh or len(known) != len(set(keys)):
            used = {key: known[key] for key in keys if key in known}
            used.update(fresh)
            self.store.save(used)
        return [r for r in results if r is not None]
