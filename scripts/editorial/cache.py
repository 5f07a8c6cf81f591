"""The one cache helper: a file of entries under `.cache/editorial/`, keyed by content and code.

A cache only saves work; it never decides what is published. In CI the build, the audit
and `check-transitions` read no verdict from any cache (valid, approved, publishable, clean).
For a writer's speed, never in CI and never from a file that git tracks, `editorial validate`
may remember what a file's bytes alone say, and the build's audit its own clean verdicts on
files unchanged under an unchanged audit (audit_memo.py). Every other cache saves rendering
work, and what it returns passes the sanitiser and the audit like fresh output.

One format for every cache: a header (magic, the code version it was written by, a
SHA-256 of the payload), then a marshal payload (plain values only: marshal cannot build
objects). Written atomically. A missing, damaged or foreign file is an empty cache.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .core.model import Problem

FOLDER = ".cache/editorial"
MAGIC = b"editorial-cache-2\n"
PACKAGE = Path(__file__).resolve().parent


def enabled() -> bool:
    """EDITORIAL_CACHE=off (or 0) turns every cache off, e.g. to time a cold run."""
    return os.environ.get("EDITORIAL_CACHE", "on").lower() not in ("0", "off", "no", "false")


def in_ci() -> bool:
    """CI services set `CI`; a verdict cache is never used there."""
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def code_version(files: Iterable[Path], packages: Iterable[str] = ()) -> str:
    """A hash of the code (and data files, and installed packages) that shapes a cache's entries."""
    from importlib import metadata  # imported here: a run with the caches off never needs it

    digest = hashlib.sha256(sys.version.encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in packages:
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "?"
        digest.update(f"\0{name}={installed}".encode())
    return digest.hexdigest()


class Store:
    """One cache file, `.cache/editorial/<name>.cache`, valid for one code version."""

    def __init__(self, root: Path, name: str, version: str):
        self.path = root / FOLDER / f"{name}.cache"
        self.version = version
        self.note = ""  # why the file was not read or not written, when it was not

    def _head(self) -> bytes:
        return MAGIC + self.version.encode() + b"\n"

    def load(self) -> dict[Any, Any]:
        try:
            blob = self.path.read_bytes()
        except OSError:
            return {}
        head = self._head()
        if not blob.startswith(head):
            return {}  # another format or another version of the code: start again
        checksum, payload = blob[len(head) : len(head) + 32], blob[len(head) + 32 :]
        if hashlib.sha256(payload).digest() != checksum:
            self.note = f"{self.path.name} is damaged; the work is done again"
            return {}
        try:
            entries = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def save(self, entries: dict[Any, Any]) -> None:
        payload = marshal.dumps(entries)
        temp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(self._head() + hashlib.sha256(payload).digest() + payload)
            os.replace(temp, self.path)  # atomic: a reader sees the old file or the new one
        except OSError as exc:
            self.note = f"cannot write {self.path.name} ({exc.strerror}); the next run does the work again"
            try:
                temp.unlink()
            except OSError:
                pass


def tracked(root: Path) -> list[Problem]:
    """A cache file that git tracks came with a commit, not from this machine's own runs:
    a pull request could forge it. E117 for each; none when this is not a git checkout."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "-z", "--", FOLDER.split("/", 1)[0]], cwd=root, capture_output=True, check=False
        )
    except OSError:
        return []
    if done.returncode != 0:
        return []  # not a git repository: nothing is tracked
    names = [n for n in done.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    return [
        Problem(
            name,
            1,
            1,
            "E117",
            f"{name} is a cache file committed to git; caches are never shared through the "
            "repository (a pull request could forge one): `git rm --cached` it (`.cache/` is in .gitignore)",
        )
        for name in names
    ]
