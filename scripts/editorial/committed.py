"""The project as git holds it at a commit: the registry, the policy and its retraction
snapshot (never the working tree), the article at a path, and the approved versions on the
main branch. An adapter: git.py reads, the core loads and judges; what is read once is kept
by the `Committed` object that read it, for as long as one command runs."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .core import retractions
from .core.changes import is_article
from .core.loader import load_article, load_registry
from .core.model import Article, Context, Policy, Problem, Registry
from .core.rules import schema as schema_rules
from .core.vocabulary import ARTICLES, CONFIG, REGISTRY
from .git import Repository
from .workspace import WorkspaceError, plugin_options_from_text


class Committed:
    """One repository's commits, read for one command: what it read is remembered here."""

    def __init__(self, repo: Repository):
        self.repo = repo
        self._articles: dict[tuple[str, str], tuple[str, str] | None] = {}
        self._snapshots: dict[str, retractions.Index] = {}  # by verified SHA-256: base and head usually pin one

    def article_at(self, commit: str, path: str) -> tuple[str, str] | None:
        """(id, digest) of the article at a project path in `commit`, or None (no article
        there, or a commit this clone does not have)."""
        key = (commit, path)
        if key not in self._articles:
            found = None
            if is_article(path) and self.repo.has_commit(commit):
                data = self.repo.blob(f"{commit}:{self.repo.prefix}{path}")
                article = load_article(path, data)[0] if data is not None else None
                found = (article.id, article.digest) if article is not None else None
            self._articles[key] = found
        return self._articles[key]

    def context_pair(
        self, base: str, head: str, day: str, notes: list[str], problems: list[Problem]
    ) -> tuple[Context, Context]:
        """The registry and policy at the base and at the head, as committed. A side that
        cannot be read judges nobody: an empty registry, so no reviewer passes."""
        base_ctx = self._context_at(base, "base", day, notes, problems)
        head_ctx = self._context_at(head, "head", day, notes, problems)
        if base_ctx is None:
            base_ctx = Context(Registry(REGISTRY, {}), head_ctx.policy if head_ctx else Policy(), day)
        if head_ctx is None:
            head_ctx = base_ctx
        return base_ctx, head_ctx

    def _context_at(self, rev: str, role: str, day: str, notes: list[str], problems: list[Problem]) -> Context | None:
        """Registry and policy as committed at `rev` (never the working tree)."""
        config = self.repo.blob(f"{rev}:{self.repo.prefix}{CONFIG}")
        registry_data = self.repo.blob(f"{rev}:{self.repo.prefix}{REGISTRY}")
        if config is None or registry_data is None:
            missing = CONFIG if config is None else REGISTRY
            notes.append(f"{role} commit {rev[:10]} has no {missing}: no reviewer can be confirmed against it")
            return None
        try:
            options, line = plugin_options_from_text(config.decode("utf-8"), CONFIG)
        except (WorkspaceError, UnicodeDecodeError) as exc:
            problems.append(
                Problem(CONFIG, 1, 1, "E911", f"cannot read {CONFIG} at the {role} commit {rev[:10]}: {exc}")
            )
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
        return Context(registry, policy, day, self._retractions_at(rev, role, policy, problems))

    def _retractions_at(self, rev: str, role: str, policy: Policy, problems: list[Problem]) -> retractions.Index | None:
        """The policy's Retraction Watch snapshot as committed at `rev`, checked against the hash
        pinned there; E411 (and None) when it cannot be used."""
        if not (policy.retractions or policy.retractions_sha256):
            return None
        try:
            why = retractions.pin_problem(policy.retractions, policy.retractions_sha256)
            if why:
                raise retractions.SnapshotError(why)
            data = self.repo.blob(f"{rev}:{self.repo.prefix}{policy.retractions}")
            if data is None:
                raise retractions.SnapshotError("the file is not in this commit")
            found = hashlib.sha256(data).hexdigest()
            if found == policy.retractions_sha256 and found in self._snapshots:
                return self._snapshots[found]
            index = retractions.verified(data, policy.retractions_sha256)  # a SnapshotError if the hash differs
            self._snapshots.clear()  # one snapshot kept: a long-lived process does not pile them up
            self._snapshots[found] = index
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
        current = {blob: path.removeprefix(repo.prefix) for blob, path in repo.indexed_unchanged(where).items()}
        return _approved_written(repo, "HEAD", [where], current)
    finally:
        repo.close()


def approved_versions(repo: Repository, rev: str, paths: list[str]) -> list[VersionOnMain]:
    """The approved versions of the article files at `paths` (project paths) that the
    first-parent history of `rev` wrote, oldest first, each loaded: where a revision's last
    approved version is found (the summary's redline). Raises GitError when git cannot answer."""
    return _approved_written(repo, rev, [repo.prefix + path for path in dict.fromkeys(paths)], {})


def _approved_written(repo: Repository, rev: str, where: list[str], current: dict[str, str]) -> list[VersionOnMain]:
    """The versions under `where` that say `review_status: approved`, from the first-parent
    history of `rev`; a blob in `current` (blob -> working-tree path) is the working tree's own."""
    written = [
        (sha, path, blob) for sha, path, blob in repo.written_on_first_parent(where, rev) if path.endswith(".md")
    ]
    wanted = sorted({blob for _, _, blob in written if blob not in current})
    paths = {blob: path for _, path, blob in written}
    articles = {}
    for blob, data in repo.blobs(wanted):
        front = data[: data.find(b"\n---", 3) + 1] if data.startswith(b"---") else b""
        if _APPROVED.search(front):  # only approved versions are shown: the others are never loaded
            article, _ = load_article(paths.get(blob, "history.md"), data)
            if article is not None:
                articles[blob] = article
    found = []
    for sha, path, blob in written:
        if blob in current:
            found.append(VersionOnMain(sha, path, None, current[blob]))
        elif blob in articles:
            found.append(VersionOnMain(sha, path, articles[blob]))
    return found
