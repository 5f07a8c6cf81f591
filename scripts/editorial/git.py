"""git plumbing, and nothing else: the commits of a range, what each one changes in content/,
blobs, trees and the log, read through a few long-lived git processes.

A few git processes answer a whole range, whatever its length: `rev-list` for the
commits, one `diff-tree --stdin` for what every commit changed under content/ (with
rename detection and file modes), one `diff-tree` for the net change from base to
head, one `ls-tree` of the head's content/, and one `cat-file --batch` for file
contents. The cost grows with the commits and files changed, not with the corpus.
Anything git cannot answer is a `GitError` (exit 2): a wrong "pass" is never an
option, so an unknown ref or a shallow clone missing the base stops the check.
What the answers mean (an article, a version, who saw which text) is the core's.
"""

from __future__ import annotations

import os
import stat
import subprocess
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from .core.changes import GITLINK, NULL_SHA, SYMLINK, CommitChanges, FileChange
from .core.loader import MAX_FILE_BYTES
from .core.model import CannotRun
from .core.vocabulary import CONTENT

REGULAR_MODES = ("100644", "100755")  # the index's modes of a regular file


def _is_regular(path: Path) -> bool:
    """A regular file, not through a link (a file deleted or replaced is git's "changed")."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


class GitError(CannotRun):
    """git cannot answer the question; the command cannot run (exit 2)."""


class Repository:
    """A git repository, read through long-lived git processes."""

    def __init__(self, root: Path):
        self.root = root
        self._batch: subprocess.Popen | None = None
        self._known_commits: dict[str, bool] = {}
        # The project may sit in a folder of a larger repository: git speaks in paths
        # from the top, the user in paths from the project.
        self.prefix = self._git("rev-parse", "--show-prefix", what="find the git repository").strip()
        self.root = Path(self._git("rev-parse", "--show-toplevel", what="find the git repository").strip())

    # -- plumbing --------------------------------------------------------------
    def _git(self, *args: str, what: str, stdin: bytes | None = None) -> str:
        try:
            done = subprocess.run(["git", *args], cwd=self.root, input=stdin, capture_output=True, check=False)
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH") from None
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"cannot {what}: {detail[-1] if detail else 'git failed'}")
        return done.stdout.decode("utf-8", "surrogateescape")

    def resolve(self, ref: str, role: str) -> str:
        """The commit `ref` names, or a GitError that says how to get it."""
        if not ref or ref.startswith("-"):
            raise GitError(f"--{role} needs a commit, branch or tag, got `{ref}`")
        done = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
            cwd=self.root,
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            hint = (
                " (a shallow clone: fetch the whole history, e.g. `actions/checkout` with `fetch-depth: 0`)"
                if self.is_shallow()
                else ""
            )
            raise GitError(
                f"--{role} `{ref}` is not a commit in this repository{hint}; check the name, or `git fetch` the "
                "branch first"
            )
        return done.stdout.decode().strip()

    def is_shallow(self) -> bool:
        return self._git("rev-parse", "--is-shallow-repository", what="inspect the repository").strip() == "true"

    def blob(self, spec: str) -> bytes | None:
        """Contents of a blob id or `rev:path`; None when it does not exist."""
        if self._batch is None:
            self._batch = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=self.root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        assert self._batch.stdin and self._batch.stdout
        if "\n" in spec:
            return None
        self._batch.stdin.write(spec.encode("utf-8", "surrogateescape") + b"\n")
        self._batch.stdin.flush()
        header = self._batch.stdout.readline()
        if not header:
            raise GitError("git cat-file stopped answering")
        parts = header.split()
        if len(parts) != 3 or parts[-1] == b"missing":
            return None  # "<spec> missing" (or "ambiguous")
        size = int(parts[2])
        # Never hold a huge blob in memory: past the loader's limit, its first bytes are
        # enough for the loader to refuse it (E102); the rest is read and dropped.
        data = self._batch.stdout.read(min(size, MAX_FILE_BYTES + 1))
        left = size - len(data)
        while left > 0:
            chunk = self._batch.stdout.read(min(left, 1 << 20))
            if not chunk:
                raise GitError("git cat-file stopped answering")
            left -= len(chunk)
        self._batch.stdout.read(1)  # the newline after the contents
        return data if parts[1] == b"blob" else None

    def blob_id(self, rev: str, path: str) -> str | None:
        done = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{rev}:{path}"],
            cwd=self.root,
            capture_output=True,
            check=False,
        )
        return done.stdout.decode().strip() if done.returncode == 0 else None

    def has_commit(self, sha: str) -> bool:
        if sha not in self._known_commits:
            done = subprocess.run(
                ["git", "cat-file", "-e", f"{sha}^{{commit}}"], cwd=self.root, capture_output=True, check=False
            )
            self._known_commits[sha] = done.returncode == 0
        return self._known_commits[sha]

    def blob_at(self, commit: str, path: str) -> str | None:
        """The blob id of a project path at `commit`; "" when absent; None when the
        commit is not in this clone (nothing can be said about it)."""
        if not self.has_commit(commit):
            return None
        return self.blob_id(commit, self.prefix + path) or ""

    def close(self) -> None:
        if self._batch is not None:
            if self._batch.stdin:
                self._batch.stdin.close()
            self._batch.wait(timeout=10)
            self._batch = None

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- the range ---------------------------------------------------------------
    def commits(self, base: str, head: str) -> list[CommitChanges]:
        """Every commit in base..head, parents first, with what it changed in content/."""
        self._require_merge_base(base, head)
        listing = self._git(
            "rev-list",
            "--reverse",
            "--topo-order",
            "--parents",
            f"{base}..{head}",
            what=f"list the commits in {base[:10]}..{head[:10]}",
        )
        commits = []
        for line in listing.splitlines():
            sha, *parents = line.split()
            commits.append(CommitChanges(sha, parents))
        self._refuse_shallow(commits)
        if not commits:
            return commits
        by_sha = {c.sha: c for c in commits}
        # One diff-tree for the whole range: "<commit> <first parent>" lines make it
        # diff a merge against its first parent; a root commit diffs against nothing.
        request = "".join(f"{c.sha} {c.parents[0]}\n" if c.parents else f"{c.sha}\n" for c in commits)
        raw = self._git(
            "diff-tree",
            "--stdin",
            "-r",
            "-M",
            "-z",
            "--root",
            "--",
            self.prefix + CONTENT,
            what="list the changed content",
            stdin=request.encode(),
        )
        for sha, change in _parse_diff_tree(raw, self.prefix):
            by_sha[sha].changes.append(change)
        return commits

    def net_changes(self, base: str, head: str) -> list[FileChange]:
        """What the whole range changes in content/, from base to head, as one diff."""
        raw = self._git(
            "diff-tree",
            "-r",
            "-M",
            "-z",
            base,
            head,
            "--",
            self.prefix + CONTENT,
            what=f"compare {base[:10]} with {head[:10]}",
        )
        return [change for _, change in _parse_diff_tree(raw, self.prefix)]

    def net_changes_checked(self, base: str, head: str) -> list[FileChange]:
        """`net_changes`, once base is known to be an ancestor of head."""
        self._require_merge_base(base, head)
        return self.net_changes(base, head)

    def require_clean(self, path: str) -> None:
        """The file has no uncommitted change (which a write would overwrite or a commit take along)."""
        status = self._git("status", "--porcelain=v1", "-z", "--", self.prefix + path, what=f"look at {path}")
        if status.strip("\0"):
            raise GitError(f"{path} has uncommitted changes; commit or stash them, then run the command again")

    def commit(self, path: str, message: str) -> str:
        """Commit the project file `path` alone, as it is in the working tree; the new commit's id."""
        self._git(
            "commit",
            "-q",
            "--no-verify",
            "-m",
            message,
            "--",
            self.prefix + path,
            what=f"commit {path} (is git's user.name and user.email set?)",
        )
        return self._git("rev-parse", "HEAD", what="read the new commit").strip()

    def files_naming(self, rev: str, pattern: str, where: str) -> list[str]:
        """Project paths of the files under `where` at `rev` whose bytes match the extended regular
        expression `pattern`, in any case (`git grep -E -i`)."""
        done = subprocess.run(
            ["git", "grep", "-E", "-i", "-l", "-z", "-e", pattern, rev, "--", self.prefix + where],
            cwd=self.root,
            capture_output=True,
            check=False,
        )
        if done.returncode not in (0, 1):  # 1: nothing found
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"cannot search {where} at {rev[:10]}: {detail[-1] if detail else 'git grep failed'}")
        found = done.stdout.decode("utf-8", "surrogateescape").split("\0")
        return [hit.split(":", 1)[1].removeprefix(self.prefix) for hit in found if ":" in hit]

    def special_entries(self, rev: str) -> list[tuple[str, str]]:
        """(path, mode) of every symbolic link and submodule under content/ at `rev`."""
        raw = self._git(
            "ls-tree", "-r", "-z", "--full-tree", rev, "--", self.prefix + CONTENT, what=f"list content/ at {rev[:10]}"
        )
        found = []
        for entry in raw.split("\0"):
            if not entry:
                continue
            info, _, path = entry.partition("\t")
            mode = info.split(" ", 1)[0]
            if mode in (SYMLINK, GITLINK):
                found.append((path.removeprefix(self.prefix), mode))
        return found

    def _require_merge_base(self, base: str, head: str) -> None:
        done = subprocess.run(["git", "merge-base", base, head], cwd=self.root, capture_output=True, check=False)
        if done.returncode != 0:
            shallow = (
                " and the clone is shallow: fetch the whole history (`fetch-depth: 0`)" if self.is_shallow() else ""
            )
            raise GitError(
                f"{base[:10]} and {head[:10]} share no history{shallow}; --base must be an ancestor of the branch, "
                "e.g. origin/main"
            )
        ancestor = subprocess.run(
            ["git", "merge-base", "--is-ancestor", base, head], cwd=self.root, capture_output=True, check=False
        )
        if ancestor.returncode != 0:  # base..head would then hold commits that are not the branch's: no honest answer
            raise GitError(
                f"--base {base[:10]} is not an ancestor of --head {head[:10]}: the base branch was rewritten "
                "(force-pushed) "
                "or has moved on since the branch left it; merge or rebase the branch onto the base "
                "(GitHub's pull-request merge ref already is), then check again"
            )

    def _refuse_shallow(self, commits: list[CommitChanges]) -> None:
        if not self.is_shallow():
            return
        grafts_path = self._git("rev-parse", "--git-path", "shallow", what="inspect the shallow clone").strip()
        path = Path(grafts_path) if Path(grafts_path).is_absolute() else self.root / grafts_path
        try:
            grafts = set(path.read_text().split())
        except OSError:
            grafts = set()
        cut = [c.sha[:10] for c in commits if c.sha in grafts]
        if cut:
            raise GitError(
                f"the clone is shallow and the history stops at {cut[0]} inside the range; fetch the whole history "
                "(`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)"
            )

    # -- the main branch's history -----------------------------------------------------
    def written_on_first_parent(self, where: Sequence[str], rev: str = "HEAD") -> list[tuple[str, str, str]]:
        """(commit, path from the repository's top, blob) of every file under `where` (paths
        from the top) that each first-parent commit of `rev` wrote, oldest first (one `git log`)."""
        raw = self._git(
            "log",
            "--first-parent",
            "-m",
            "--reverse",
            "--raw",
            "-z",
            "--no-abbrev",
            "--no-renames",
            "--format=%x00commit %H",
            rev,
            "--",
            *where,
            what="read the history of the articles",
        )
        written = []
        for sha, change in _parse_log_raw(raw):
            if change.new_path and change.new_blob:
                written.append((sha, change.new_path, change.new_blob))
        return written

    def indexed_unchanged(self, where: str) -> dict[str, str]:
        """Blob id -> path (from the repository's top) of each regular file under `where` whose
        working-tree bytes are the ones git has indexed (`ls-files`, `diff-files`).

        `diff-files` trusts the index's file times, and names every file written in the same
        second as the index ("racily clean": a fresh checkout, a generated corpus): those are
        hashed as they are (`hash-object`, one process for all of them) and kept when they
        are the indexed bytes, so they are not read again from git."""
        listing = self._git("ls-files", "-s", "-z", "--", where, what="list the files git tracks")
        changed = set(
            self._git("diff-files", "--name-only", "-z", "--", where, what="compare the files with git").split("\0")
        )
        indexed, unsure = {}, {}
        for entry in listing.split("\0"):
            if "\t" not in entry:
                continue
            info, path = entry.split("\t", 1)
            fields = info.split()
            if len(fields) >= 2 and fields[0] in REGULAR_MODES:  # a link's blob is its target's name
                if path not in changed:
                    indexed[fields[1]] = path
                elif "\n" not in path and _is_regular(self.root / path):  # hash-object: a path a line
                    unsure[fields[1]] = path
        if unsure:
            names = list(unsure.items())
            hashed = self._git(
                "hash-object",
                "--no-filters",
                "--stdin-paths",
                what="hash the files git may think changed",
                stdin="".join(f"{path}\n" for _, path in names).encode("utf-8", "surrogateescape"),
            ).split()
            indexed.update((blob, path) for (blob, path), now in zip(names, hashed, strict=True) if blob == now)
        return indexed

    def blobs(self, ids: Sequence[str]) -> Iterator[tuple[str, bytes]]:
        """(id, contents) of each blob in `ids` that the clone has: one `cat-file --batch`, fed
        by a thread so that git never waits for the reader."""
        if not ids:
            return
        proc = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=self.root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert proc.stdin and proc.stdout
        stdin = proc.stdin

        def feed() -> None:
            try:
                stdin.write("".join(f"{b}\n" for b in ids).encode())
            finally:
                stdin.close()

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        try:
            for blob in ids:
                header = proc.stdout.readline().split()
                if len(header) != 3:
                    continue  # "<id> missing": a blob a partial clone lacks
                data = proc.stdout.read(int(header[2]))
                proc.stdout.read(1)
                yield blob, data
        finally:
            writer.join()
            proc.stdout.close()
            proc.wait(timeout=30)


def _parse_diff_tree(raw: str, prefix: str):
    """(commit, FileChange) pairs from `diff-tree --stdin -z` output."""
    tokens = raw.split("\0")
    sha = ""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if not token:
            continue
        if not token.startswith(":"):
            sha = token.strip()
            continue
        old_mode, new_mode, old_blob, new_blob, status = token[1:].split()
        letter = status[0]
        old_path: str | None
        new_path: str | None
        if letter in "RC":
            old_path, new_path = tokens[i], tokens[i + 1]
            i += 2
        else:
            old_path = new_path = tokens[i]
            i += 1
        if letter == "C":  # a copy is a new file as far as the workflow is concerned
            letter, old_path, old_blob = "A", None, NULL_SHA
        if letter == "A":
            old_path = None
        if letter == "D":
            new_path = None
        if letter == "T":
            letter = "M"
        old_path = old_path.removeprefix(prefix) if old_path else None
        new_path = new_path.removeprefix(prefix) if new_path else None
        yield (
            sha,
            FileChange(
                letter,
                old_path,
                new_path,
                None if old_blob == NULL_SHA else old_blob,
                None if new_blob == NULL_SHA else new_blob,
                old_mode,
                new_mode,
            ),
        )


def _parse_log_raw(raw: str):
    """(commit, FileChange) pairs from `log --raw -z --format=%x00commit %H` output."""
    sha = ""
    for token, change in _raw_records(raw.split("\0")):
        if token is not None:
            sha = token
        elif change is not None:
            yield sha, FileChange(change[0], change[1], change[2], change[3], change[4])


def _raw_records(tokens: list[str]):
    i = 0
    while i < len(tokens):
        token = tokens[i].strip("\n")
        i += 1
        if token.startswith("commit "):
            yield token[len("commit ") :].strip(), None
        elif token.startswith(":"):
            fields = token[1:].split()
            if len(fields) < 5:
                continue
            letter = fields[4][0]
            paths = tokens[i : i + (2 if letter in "RC" else 1)]
            i += len(paths)
            path = paths[-1] if paths else ""
            new_blob = None if fields[3] == NULL_SHA or letter == "D" else fields[3]
            yield None, (letter, None, path, None, new_blob)
