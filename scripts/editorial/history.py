"""The git adapter: the commits of a range, what each one changes in content/, and blobs.

A few git processes answer a whole range, whatever its length: `rev-list` for the
commits, one `diff-tree --stdin` for what every commit changed under content/ (with
rename detection and file modes), one `diff-tree` for the net change from base to
head, one `ls-tree` of the head's content/, and one `cat-file --batch` for file
contents. The cost grows with the commits and files changed, not with the corpus.
Anything git cannot answer is a `GitError` (exit 2): a wrong "pass" is never an
option, so an unknown ref or a shallow clone missing the base stops the check.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeGuard

from . import retractions, transitions
from .loader import MAX_FILE_BYTES, load_article, load_registry
from .model import Article, Context, Policy, Problem, Registry, today
from .reviews import Review, by_login, latest_decisions
from .rules import schema as schema_rules
from .workspace import CONFIG, REGISTRY, WorkspaceError, plugin_options_from_text

CONTENT = "content"  # no trailing slash: a link or submodule named `content` itself is found too
ARTICLES = "content/articles/"
_NULL_SHA = "0" * 40
_REGULAR = ("100644", "100755")


def is_article(path: str | None, mode: str = "100644") -> TypeGuard[str]:
    """An article as the workflow knows it: a regular `.md` file under content/articles/."""
    return path is not None and path.startswith(ARTICLES) and path.endswith(".md") and mode in _REGULAR


class GitError(WorkspaceError):
    """git cannot answer the question; the command cannot run (exit 2)."""


@dataclass(frozen=True)
class FileChange:
    """One article file changed by a commit: paths and blob ids (None: absent)."""

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


class Repository:
    """A git repository, read through long-lived git processes."""

    def __init__(self, root: Path):
        self.root = root
        self._batch: subprocess.Popen | None = None
        self._known_commits: dict[str, bool] = {}
        self._articles_at: dict[tuple[str, str], tuple[str, str] | None] = {}
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

    def article_at(self, commit: str, path: str) -> tuple[str, str] | None:
        """(id, digest) of the article at a project path in `commit`, or None."""
        key = (commit, path)
        if key not in self._articles_at:
            found = None
            if is_article(path) and self.has_commit(commit):
                data = self.blob(f"{commit}:{self.prefix}{path}")
                article = load_article(path, data)[0] if data is not None else None
                found = (article.id, article.digest) if article is not None else None
            self._articles_at[key] = found
        return self._articles_at[key]

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

    def commit_file(self, path: str, data: bytes, message: str) -> str:
        """Write `data` to the project file `path` and commit that file alone; the new commit's id."""
        target = self.root / (self.prefix + path)
        # a fresh, unguessable name (O_EXCL): a file or link the branch planted is never written through
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".editorial-", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        # the file keeps its mode (and git its x bit)
        os.chmod(temporary, os.stat(target, follow_symlinks=False).st_mode & 0o7777)
        os.replace(temporary, target)  # atomic: never a half-written article
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
            if mode in (transitions.SYMLINK, transitions.GITLINK):
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

    def articles_judged_in_merge(self, commit: CommitChanges) -> list[FileChange]:
        """A merge is diffed against its first parent. An article the merge takes unchanged
        from another parent was judged in that parent's own history (in the range) or is
        judged by the net change from the base (a parent on the base branch, however
        old), so only articles that differ from every parent, conflict resolutions, are
        judged as this commit's own changes."""
        kept = []
        articles = [c for c in commit.changes if any(c.article_sides())]
        for change in articles:
            path = change.new_path or change.old_path or ""
            blob = change.new_blob
            if any(self.blob_id(parent, self.prefix + path) == blob for parent in commit.parents[1:]):
                continue
            kept.append(change)
        taken = len(articles) - len(kept)
        commit.note = (
            f"commit {commit.short} is a merge: judged against its first parent {commit.parents[0][:10]}; "
            f"{taken} article file(s) taken unchanged from another parent were judged in that parent's history "
            "and by the net change from the base"
        )
        return kept


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
            letter, old_path, old_blob = "A", None, _NULL_SHA
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
                None if old_blob == _NULL_SHA else old_blob,
                None if new_blob == _NULL_SHA else new_blob,
                old_mode,
                new_mode,
            ),
        )


@dataclass
class RangeResult:
    problems: list[Problem]
    notes: list[str]
    commits: int
    files: int


def check_range(
    root: Path,
    base_ref: str,
    head_ref: str,
    approvers: Sequence[str] | None,
    day: str | None = None,
    reviews: Sequence[Review] | None = None,
) -> RangeResult:
    """Judge every article change of every commit in base..head, then each article's net
    change from base to head, the other files of content/, and links and submodules
    (see transitions). `reviews`: GitHub's reviews of the pull request, which confirm
    review records by the text each member saw; `approvers`: logins, for hand use."""
    day = day or today()
    with Repository(root) as repo:
        base = repo.resolve(base_ref, "base")
        head = repo.resolve(head_ref, "head")
        notes: list[str] = []
        problems: list[Problem] = []
        base_ctx, head_ctx = context_pair(repo, base, head, day, notes, problems)
        github = None
        if reviews is not None:
            github = transitions.GitHubReviews(
                latest_decisions(reviews), by_login(reviews), repo.article_at, repo.blob_at
            )
        judges = transitions.judges(base_ctx, head_ctx, approvers, github)
        commits = repo.commits(base, head)
        carried: dict = {}
        files: set[str] = set()
        latest: dict = {}  # path -> its last version in the range
        walked: list[Problem] = []
        links_seen: set[tuple[str, str]] = set()  # a link a merge brings along was reported where it was made
        for commit in commits:
            added = [
                (c.new_path, c.new_mode)
                for c in commit.changes
                if c.new_path and c.new_blob and (c.new_path, c.new_blob) not in links_seen
            ]
            links_seen.update((c.new_path, c.new_blob) for c in commit.changes if c.new_path and c.new_blob)
            walked.extend(transitions.special_entries(added, commit.short, "in this commit"))
            judged = repo.articles_judged_in_merge(commit) if len(commit.parents) > 1 else commit.changes
            changes = []
            for change in judged:
                old_side, new_side = change.article_sides()
                if old_side is None and new_side is None:
                    continue
                old, new = _version(repo, old_side), _version(repo, new_side)
                changes.append((old, new))
                if old.path and old.path != new.path:
                    latest.pop(old.path, None)
                if new.path:
                    latest[new.path] = new
                files.add(new.path or old.path or "")
            walked.extend(transitions.check_commit(commit.short, changes, judges, carried))
            if commit.note:
                notes.append(commit.note)
        problems.extend(walked)
        problems.extend(transitions.unreadable_at_head(latest.values(), head[:10]))
        problems.extend(_dedupe(_net_problems(repo, base, head, judges, files), walked + problems))
        config = repo.prefix + CONFIG
        problems.extend(
            transitions.judge_policy_change(
                base_ctx.policy,
                head_ctx.policy,
                CONFIG,
                repo.blob_id(head, config),
                _editorial_line(repo.blob(f"{head}:{config}")),
                judges,
                head[:10],
            )
        )
        if not commits:
            notes.append(f"no commits in {base_ref}..{head_ref}: nothing to check")
        if approvers is None and reviews is None:
            notes.append(
                "approver check skipped: neither --reviews nor --approvers was given, so review records were not "
                "matched to the board's reviews of the pull request on GitHub"
            )
        return RangeResult(problems, notes, len(commits), len(files))


def _net_problems(repo: Repository, base: str, head: str, judges: transitions.Judges, files: set[str]) -> list[Problem]:
    """The range as one change from base to head: articles, other content, links."""
    short = head[:10]
    article_changes: list[tuple[transitions.Version, transitions.Version]] = []
    other: list[tuple[str, str | None]] = []
    for change in repo.net_changes(base, head):
        old_side, new_side = change.article_sides()
        if old_side or new_side:
            old, new = _version(repo, old_side), _version(repo, new_side)
            article_changes.append((old, new))
        # every side that is not an article, a link or a submodule: a site page, an image, the registry...
        if (
            change.old_path
            and change.old_blob
            and not old_side
            and change.old_mode in _REGULAR
            and change.old_path != change.new_path
        ):
            other.append((change.old_path, None))
        if change.new_path and change.new_blob and not new_side and change.new_mode in _REGULAR:
            other.append((change.new_path, change.new_blob))
        files.add(change.new_path or change.old_path or "")
    problems = transitions.judge_net(article_changes, judges, short)
    if judges.reviews is not None:
        problems.extend(_unrecorded_reviews(repo, article_changes, judges, short))
    problems.extend(transitions.judge_other_content(other, judges, short))
    problems.extend(transitions.special_entries(repo.special_entries(head), short, "at the head of this range"))
    return problems


# Codes that say the same thing about an article: its `approved` is not earned.
_SAME = {code: "status" for code in (transitions.E_NEW, transitions.E_MOVE, transitions.E_STALE, transitions.E_QUORUM)}


def _version(repo: Repository, side: tuple[str, str] | None) -> transitions.Version:
    """One side of an article's change (path, blob), read from git; an empty one when absent."""
    return transitions.Version(side[0], repo.blob(side[1])) if side else transitions.Version(None, None)


def _unrecorded_reviews(repo: Repository, changes: list, judges: transitions.Judges, short: str) -> list[Problem]:
    from .record import unrecorded

    found = []
    for old, new in changes:
        article = load_article(new.path, new.data)[0] if new.data is not None and new.path else None
        if article is None:
            continue

        def digest_at(commit: str, article=article, old=old) -> str | None:
            for path in dict.fromkeys(p for p in (article.path, old.path) if p):
                held = repo.article_at(commit, path)
                if held is not None and held[0] == article.id:
                    return held[1]
            return None

        assert judges.reviews is not None  # called only when GitHub's reviews were given
        base = load_article(old.path, old.data)[0] if old.data is not None and old.path else None
        since = transitions.records_before(base, article)
        found.extend(unrecorded(article, judges.contexts(), judges.reviews.latest, digest_at, short, since))
    return found


def _editorial_line(config: bytes | None) -> int:
    """The line of mkdocs.yml where the editorial plugin's options start (1 if not found)."""
    text = (config or b"").decode("utf-8", "replace")
    return next((n for n, line in enumerate(text.splitlines(), 1) if line.strip().startswith("- editorial")), 1)


def _dedupe(net: list[Problem], already: list[Problem]) -> list[Problem]:
    """A net problem the commit walk already reported for the same file adds nothing:
    the walk's message names the commit where it happened. (Only errors are dropped
    when an error of the same kind stands, so the exit status never changes.)"""
    seen = {(p.path, _SAME.get(p.code, p.code)) for p in already if p.is_error}
    kept = []
    for problem in net:
        key = (problem.path, _SAME.get(problem.code, problem.code))
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept


def context_pair(
    repo: Repository, base: str, head: str, day: str, notes: list[str], problems: list[Problem]
) -> tuple[Context, Context]:
    """The registry and policy at the base and at the head, as committed. A side that
    cannot be read judges nobody: an empty registry, so no reviewer passes."""
    base_ctx = _context_at(repo, base, "base", day, notes, problems)
    head_ctx = _context_at(repo, head, "head", day, notes, problems)
    if base_ctx is None:
        base_ctx = Context(Registry(REGISTRY, {}), head_ctx.policy if head_ctx else Policy(), day)
    if head_ctx is None:
        head_ctx = base_ctx
    return base_ctx, head_ctx


def _context_at(
    repo: Repository, rev: str, role: str, day: str, notes: list[str], problems: list[Problem]
) -> Context | None:
    """Registry and policy as committed at `rev` (never the working tree)."""
    config = repo.blob(f"{rev}:{repo.prefix}{CONFIG}")
    registry_data = repo.blob(f"{rev}:{repo.prefix}{REGISTRY}")
    if config is None or registry_data is None:
        missing = CONFIG if config is None else REGISTRY
        notes.append(f"{role} commit {rev[:10]} has no {missing}: no reviewer can be confirmed against it")
        return None
    try:
        options, line = plugin_options_from_text(config.decode("utf-8"), CONFIG)
    except (WorkspaceError, UnicodeDecodeError) as exc:
        problems.append(Problem(CONFIG, 1, 1, "E911", f"cannot read {CONFIG} at the {role} commit {rev[:10]}: {exc}"))
        return None
    policy, policy_problems = schema_rules.policy(CONFIG, options, line)
    if policy is None:
        problems.extend(policy_problems)
        return None
    registry, reg_problems = load_registry(REGISTRY, registry_data)
    if registry is None:
        notes.append(
            f"{REGISTRY} cannot be read at the {role} commit {rev[:10]}: no reviewer can be confirmed against it"
        )
        registry = Registry(REGISTRY, {})
    return Context(registry, policy, day, _retractions_at(repo, rev, role, policy, problems))


_SNAPSHOTS: dict[str, retractions.Index] = {}  # by verified SHA-256: base and head usually pin the same file


def _retractions_at(
    repo: Repository, rev: str, role: str, policy: Policy, problems: list[Problem]
) -> retractions.Index | None:
    """The policy's Retraction Watch snapshot as committed at `rev`, checked against the hash
    pinned there; E411 (and None) when it cannot be used."""
    if not (policy.retractions or policy.retractions_sha256):
        return None
    try:
        why = retractions.pin_problem(policy.retractions, policy.retractions_sha256)
        if why:
            raise retractions.SnapshotError(why)
        data = repo.blob(f"{rev}:{repo.prefix}{policy.retractions}")
        if data is None:
            raise retractions.SnapshotError("the file is not in this commit")
        found = hashlib.sha256(data).hexdigest()
        if found == policy.retractions_sha256 and found in _SNAPSHOTS:
            return _SNAPSHOTS[found]
        index = retractions.verified(data, policy.retractions_sha256)  # a SnapshotError if the hash differs
        _SNAPSHOTS.clear()  # one snapshot kept: a long-lived process does not pile them up
        _SNAPSHOTS[found] = index
        return index
    except retractions.SnapshotError as exc:
        problems.append(
            Problem(
                CONFIG,
                1,
                1,
                "E411",
                f"retraction snapshot `{policy.retractions}` at the {role} commit {rev[:10]}: {exc}",
            )
        )
        return None


# -- the main branch's history of every article, for the review history on the site ------

_APPROVED = re.compile(rb"^review_status:[ \t]*[\"']?approved[\"']?[ \t]*(?:#.*)?$", re.M)


@dataclass(frozen=True)
class VersionOnMain:
    """One version of an article file on the main branch: the commit that wrote it, its path
    then (from the repository's top, as its web pages name it), and the article (None: byte
    for byte the file in the working tree now, at `current`, a path in the project)."""

    commit: str
    path: str
    article: Article | None
    current: str = ""  # the working-tree path whose content this version is (article is None)


def main_history(root: Path) -> list[VersionOnMain]:
    """Every approved version of every article file, in the order the branch wrote them.

    Four git processes for the whole corpus, however many articles and commits: `log` for the
    blob each first-parent commit wrote at each article path, `ls-files` and `diff-files` for
    which of them are the working tree's own files (never read again), and one `cat-file
    --batch` for the others; only those that say `review_status: approved` are loaded.
    Raises GitError when git cannot answer (no repository, no git): the caller then shows
    the current approval only."""
    repo = Repository(root)
    try:
        where = repo.prefix + ARTICLES
        raw = repo._git(
            "log",
            "--first-parent",
            "-m",
            "--reverse",
            "--raw",
            "-z",
            "--no-abbrev",
            "--no-renames",
            "--format=%x00commit %H",
            "--",
            where,
            what="read the history of the articles",
        )
        written: list[tuple[str, str, str]] = []  # (commit, path in the repository, blob)
        for sha, change in _parse_log_raw(raw):
            if change.new_path and change.new_blob and change.new_path.endswith(".md"):
                written.append((sha, change.new_path, change.new_blob))
        current = _current_blobs(repo, where)
        wanted = sorted({blob for _, _, blob in written if blob not in current})
        articles = {blob: article for blob, article in _load_approved(repo, wanted, {b: p for _, p, b in written})}
    finally:
        repo.close()
    found = []
    for sha, path, blob in written:
        if blob in current:
            found.append(VersionOnMain(sha, path, None, current[blob]))
        elif blob in articles:
            found.append(VersionOnMain(sha, path, articles[blob]))
    return found


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
            new_blob = None if fields[3] == _NULL_SHA or letter == "D" else fields[3]
            yield None, (letter, None, path, None, new_blob)


def _current_blobs(repo: Repository, where: str) -> dict[str, str]:
    """Blob id -> project path of each article file whose working-tree bytes git has indexed."""
    listing = repo._git("ls-files", "-s", "-z", "--", where, what="list the articles git tracks")
    changed = set(
        repo._git("diff-files", "--name-only", "-z", "--", where, what="compare the articles with git").split("\0")
    )
    found = {}
    for entry in listing.split("\0"):
        if "\t" not in entry:
            continue
        info, path = entry.split("\t", 1)
        fields = info.split()
        if len(fields) >= 2 and path not in changed:
            found[fields[1]] = path.removeprefix(repo.prefix)
    return found


def _load_approved(repo: Repository, blobs: list[str], paths: dict[str, str]):
    """(blob, Article) for each blob that is an approved article: one `cat-file --batch`, fed by a
    thread so that git never waits for the reader."""
    if not blobs:
        return
    proc = subprocess.Popen(
        ["git", "cat-file", "--batch"],
        cwd=repo.root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdin and proc.stdout
    stdin = proc.stdin

    def feed() -> None:
        try:
            stdin.write("".join(f"{b}\n" for b in blobs).encode())
        finally:
            stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for blob in blobs:
            header = proc.stdout.readline().split()
            if len(header) != 3:
                continue  # "<id> missing": a blob a partial clone lacks
            data = proc.stdout.read(int(header[2]))
            proc.stdout.read(1)
            head = data[: data.find(b"\n---", 3) + 1] if data.startswith(b"---") else b""
            if _APPROVED.search(head):
                article, _ = load_article(paths.get(blob, "history.md"), data)
                if article is not None:
                    yield blob, article
    finally:
        writer.join()
        proc.stdout.close()
        proc.wait(timeout=30)
