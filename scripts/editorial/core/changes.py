"""What git reports about a range, as plain values: each file's change between two commits
(paths, blob ids, modes) and each commit's changes. git.py fills them; the core judges them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeGuard

from .vocabulary import ARTICLES

NULL_SHA = "0" * 40
REGULAR = ("100644", "100755")  # git's modes for a file (and an executable one)
SYMLINK, GITLINK = "120000", "160000"  # git's modes for a symbolic link and a submodule


def is_article(path: str | None, mode: str = "100644") -> TypeGuard[str]:
    """An article as the workflow knows it: a regular `.md` file under content/articles/."""
    return path is not None and path.startswith(ARTICLES + "/") and path.endswith(".md") and mode in REGULAR


@dataclass(frozen=True)
class FileChange:
    """One file changed by a commit: paths and blob ids (None: absent)."""

    status: str  # A added, M modified, D deleted, R renamed (git's letter)
    old_path: str | None
    new_path: str | None
    old_blob: str | None
    new_blob: str | None
    old_mode: str = "100644"  # git's file mode: 100644 file, 120000 link, 160000 submodule
    new_mode: str = "100644"

    def article_sides(self) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
        """(path, blob) of each side that is an article; None for a side that is not one."""
        old = (self.old_path, self.old_blob) if self.old_blob and is_article(self.old_path, self.old_mode) else None
        new = (self.new_path, self.new_blob) if self.new_blob and is_article(self.new_path, self.new_mode) else None
        return old, new


@dataclass
class CommitChanges:
    sha: str
    parents: list[str]
    changes: list[FileChange] = field(default_factory=list)
    note: str = ""  # what the reader should know about how this commit was judged

    @property
    def short(self) -> str:
        return self.sha[:10]
