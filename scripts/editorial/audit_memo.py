"""The audit's memo, for a writer's warm build: a file the same audit judged clean before,
with the very same bytes, is not judged again.

A verdict is a function of the audit's inputs (`Audit.fingerprint`: what is withheld, what
is published, which pages may exist, the code), of the file (its path and bytes, the theme's
and content/'s file at that path) and of what the site's pages refer to and own: the key is
a SHA-256 of all of them, so any change to any of them is a miss, and a miss is judged for
real. Only clean verdicts are kept (no problem at all, no windows owned: those hold Python's
per-process hashes), with what the build reads from them later (the files a page refers to,
its links).

Like validate's cache, it is a writer's speed and nothing else: never read or written in CI
(`CI` set: every published site is audited whole), nor when git tracks a cache file (the
build stops then, E117), nor with `EDITORIAL_CACHE=off`; `editorial audit` never uses it.
"""

from __future__ import annotations

import copy
import hashlib
import sys
from collections.abc import Set
from pathlib import Path
from typing import Any

from . import cache
from .core.audit import Audit, Verdict

PACKAGES = ("lxml", "citeproc-py", "nh3")  # besides the package's own code, what reads a page


def code_version() -> str:
    return cache.code_version(sorted(cache.PACKAGE.rglob("*.py")), PACKAGES)


def context(referenced: Set[str], owned: Set[int]) -> bytes:
    """What the site's pages say that a file's verdict depends on (empty for the pages themselves)."""
    return hashlib.sha256(repr((sorted(referenced), sorted(owned))).encode("utf-8", "surrogatepass")).digest()


PAGES = context(frozenset(), frozenset())  # a page is judged before any page is known


class Memo:
    """The clean verdicts of the last build that passed the audit, by key; `record` what this
    build judged clean, `save` it once this build has passed."""

    def __init__(self, root: Path, run: Audit):
        self.store = cache.Store(root, "audit", code_version())
        self.run = run
        self.fingerprint = run.fingerprint()
        self.known: dict[bytes, Any] = self.store.load()
        self.fresh: dict[bytes, Any] = {}

    def for_worker(self, run: Audit) -> Memo:
        """This memo for a worker handed `run` (the audit without its corpus, whose files it
        reads): the same verdicts and fingerprint; what the worker records stays there."""
        lean = copy.copy(self)
        lean.run, lean.fresh = run, {}
        return lean

    def key(self, rel: str, digest: bytes, where: bytes = PAGES) -> bytes:
        """The key of the file at site path `rel` whose bytes have SHA-256 `digest`; `where`: `context`."""
        content = self.run.content
        parts = (
            self.fingerprint,
            rel.encode("utf-8", "surrogatepass"),
            digest,
            where,
            b"packaged" if rel in content.packaged else b"",
            content.theme.get(rel) or b"",
            content.content_files.get(rel) or b"",
        )
        found = hashlib.sha256()
        for part in parts:
            found.update(len(part).to_bytes(8, "big") + part)
        return found.digest()

    def get(self, key: bytes) -> Verdict | None:
        entry = self.known.get(key)
        if entry is None:
            return None
        try:
            refers_to, page_links = entry
            base, urls = ("", ()) if page_links is None else page_links
        except (TypeError, ValueError):  # not an entry this code wrote: judged for real
            return None
        texts = (*refers_to, base, *urls) if isinstance(refers_to, tuple) and isinstance(urls, tuple) else (0,)
        if not all(isinstance(text, str) for text in texts):
            return None
        return Verdict([], set(refers_to), None if page_links is None else (base, list(urls)))

    def record(self, key: bytes, verdict: Verdict) -> None:
        """Keep `verdict` when it is clean (interned: most links are the same on every page)."""
        if verdict.problems or verdict.owned:
            return
        page_links = None
        if verdict.links is not None:
            base, urls = verdict.links
            page_links = (sys.intern(base), tuple(sys.intern(u) for u in urls))
        self.fresh[key] = (tuple(sorted(verdict.refers_to)), page_links)

    @property
    def found_again(self) -> int:
        """Files of this build whose clean verdict the memo held (wherever they were looked up)."""
        return len(self.fresh.keys() & self.known.keys())

    def save(self) -> None:
        """What this build judged clean or found again (the rest is gone: it no longer exists)."""
        self.store.save(self.fresh)


def usable(root: Path) -> bool:
    """Whether a build at `root` may use the memo: a writer's machine, caches on."""
    return cache.enabled() and not cache.in_ci() and not cache.tracked(root)
