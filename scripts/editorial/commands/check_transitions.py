"""`editorial check-transitions`: every commit of base..head, and each article's net change
from the base, judged against the review workflow (core/transitions.py judges; this reads
the range from git, and the registry and policy as committed at the base and the head)."""

from __future__ import annotations

import argparse
import html.entities
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..clock import today
from ..committed import Committed
from ..core import transitions
from ..core.changes import REGULAR, CommitChanges, FileChange, is_article
from ..core.loader import load_article
from ..core.model import Article, Problem
from ..core.record import unrecorded
from ..core.reviews import Review, by_login, latest_decisions
from ..core.vocabulary import ARTICLES, CONFIG, ENGINE_CONFIGS, REGISTRY
from ..git import Repository
from ..workspace import Workspace, WorkspaceError, config_from_text
from ._shared import emit, read_reviews


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
        committed = Committed(repo)
        base = repo.resolve(base_ref, "base")
        head = repo.resolve(head_ref, "head")
        notes: list[str] = []
        problems: list[Problem] = []
        base_ctx, head_ctx = committed.context_pair(base, head, day, notes, problems)
        github = None
        if reviews is not None:
            github = transitions.GitHubReviews(
                latest_decisions(reviews), by_login(reviews), committed.article_at, repo.blob_at
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
            judged = _judged_in_merge(repo, commit) if len(commit.parents) > 1 else commit.changes
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
        problems.extend(_dedupe(_net_problems(repo, committed, base, head, judges, files), walked + problems))
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


def _net_problems(
    repo: Repository, committed: Committed, base: str, head: str, judges: transitions.Judges, files: set[str]
) -> list[Problem]:
    """The range as one change from base to head: articles, other content, links, engines."""
    engines = [  # the other engines' configuration files the range adds or changes
        name
        for name in ENGINE_CONFIGS
        if repo.blob_id(head, repo.prefix + name) not in (None, repo.blob_id(base, repo.prefix + name))
    ]
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
            and change.old_mode in REGULAR
            and change.old_path != change.new_path
        ):
            other.append((change.old_path, None))
        if change.new_path and change.new_blob and not new_side and change.new_mode in REGULAR:
            other.append((change.new_path, change.new_blob))
        files.add(change.new_path or change.old_path or "")
    problems = transitions.judge_net(article_changes, judges, short)
    problems.extend(transitions.judge_engine_configs(engines, _config_at(repo, base), _config_at(repo, head), short))
    if judges.reviews is not None:
        problems.extend(_unrecorded_reviews(committed, article_changes, judges, short))
    problems.extend(transitions.judge_other_content(other, judges, short, _shown_by(repo, base, head, other)))
    problems.extend(transitions.special_entries(repo.special_entries(head), short, "at the head of this range"))
    return problems


# Codes that say the same thing about an article: its `approved` is not earned.
_SAME = {code: "status" for code in (transitions.E_NEW, transitions.E_MOVE, transitions.E_STALE, transitions.E_QUORUM)}


def _shown_by(repo: Repository, base: str, head: str, others: list[tuple[str, str | None]]) -> dict[str, list[Article]]:
    """For each changed file that is not an article: the articles (at the head, or at the base for
    one the pull request deletes) that name it, so that none of their authors approves it alone.
    Found by its file name, which is more than the articles that link it (fail closed)."""
    shown: dict[str, list[Article]] = {}
    for path, _ in others:
        name = path.rsplit("/", 1)[-1]
        if path == REGISTRY or not name:
            continue
        found: dict[str, Article] = {}
        for rev in (head, base):
            for hit in repo.files_naming(rev, _written_any_way(name), ARTICLES):
                data = repo.blob(f"{rev}:{repo.prefix}{hit}")
                article = load_article(hit, data)[0] if data is not None and is_article(hit) else None
                if article is not None and article.id not in found:
                    found[article.id] = article
        if found:
            shown[path] = list(found.values())
    return shown


def _written_any_way(name: str) -> str:
    """An extended regular expression for a file name however a link may write it: each character
    as itself, percent-encoded, as a character reference (numeric or named, with or without its
    `;`, as a browser reads it), or escaped with a backslash."""
    out = []
    for ch in name:
        code = ord(ch)
        literal = re.escape(ch) if ch.isalnum() else "\\[" + ch + "]" if ch in "]^\\" else f"[{ch}]"
        forms = [literal, f"%{code:02x}", f"&#0*{code};?", f"&#x0*{code:x};?"]
        forms += ["&" + re.escape(named) for named in _NAMED.get(ch, ())]
        if not ch.isalnum():
            forms.append(f"\\\\{literal}")
        out.append("(" + "|".join(forms) + ")")
    return "".join(out)


_NAMED: dict[str, list[str]] = {}  # a character -> the names HTML gives it (`period;`, `amp`)
for _name, _meant in html.entities.html5.items():
    if len(_meant) == 1:
        _NAMED.setdefault(_meant, []).append(_name)


def _version(repo: Repository, side: tuple[str, str] | None) -> transitions.Version:
    """One side of an article's change (path, blob), read from git; an empty one when absent."""
    return transitions.Version(side[0], repo.blob(side[1])) if side else transitions.Version(None, None)


def _unrecorded_reviews(committed: Committed, changes: list, judges: transitions.Judges, short: str) -> list[Problem]:
    found = []
    for old, new in changes:
        article = load_article(new.path, new.data)[0] if new.data is not None and new.path else None
        if article is None:
            continue
        assert judges.reviews is not None  # called only when GitHub's reviews were given
        base = load_article(old.path, old.data)[0] if old.data is not None and old.path else None
        since = transitions.records_before(base, article)
        paths = (article.path, old.path)
        found.extend(
            unrecorded(article, paths, judges.contexts(), judges.reviews.latest, committed.article_at, short, since)
        )
    return found


def _config_at(repo: Repository, rev: str) -> dict | None:
    """mkdocs.yml's settings at `rev`; None when it cannot be read (E911 says so)."""
    data = repo.blob(f"{rev}:{repo.prefix}{CONFIG}")
    try:
        return config_from_text(data.decode("utf-8")) if data is not None else None
    except (UnicodeDecodeError, WorkspaceError):
        return None


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


def _judged_in_merge(repo: Repository, commit: CommitChanges) -> list[FileChange]:
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
        if any(repo.blob_id(parent, repo.prefix + path) == blob for parent in commit.parents[1:]):
            continue
        kept.append(change)
    taken = len(articles) - len(kept)
    commit.note = (
        f"commit {commit.short} is a merge: judged against its first parent {commit.parents[0][:10]}; "
        f"{taken} article file(s) taken unchanged from another parent were judged in that parent's history "
        "and by the net change from the base"
    )
    return kept


def run(args: argparse.Namespace, ws: Workspace) -> int:
    approvers = None if args.approvers is None else args.approvers.split(",")
    reviews = None if args.reviews is None else read_reviews(args.reviews)
    result = check_range(ws.root, args.base, args.head, approvers, reviews=reviews)
    return emit(result.problems, args.format, result.files, result.notes)
