"""Every commit of a pull request obeys the review workflow. Pure: handed bytes.

For each commit, each changed article is compared with its version in the parent
commit: the state machine (workflow.TRANSITIONS), the append-only review log, the
stable id, the rule that changed content leaves `approved`, and who may approve.
Then each article's NET change from the base to the head is judged once more as one
change against the base (`judge_net`), so no path through the history (a merge whose
second parent is an old commit, a deletion taken from another branch) can bring back
what the base had withdrawn or make an approved article disappear.

A review record is confirmed by GitHub (`Judges.reviews`) or, by hand, by a list of
approving logins (`Judges.approvers`). With GitHub's reviews, an approval that stands
at the head (the record of the head's text that is its member's latest there) needs the
member's standing review to be an approval given on a commit where the article had the
record's digest; an approval of a text since revised, or since withdrawn in the log,
needs one such review among the member's reviews (it was genuine when written); a
request for changes needs any review by the member.

Reviewers are judged against the registry of the BASE commit and of the head, and
must pass both: a pull request that adds its author to the board in people.yml
cannot approve its own article, and one that removes a member cannot keep their
fresh approval either. Logins come from the base registry, so a pull request
cannot point a board member's `github` at someone else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from . import identifiers, retractions, workflow
from .changes import GITLINK, SYMLINK
from .loader import load_article
from .model import Article, Context, Policy, Problem
from .reviews import ArticleAt, Review, text_seen
from .vocabulary import CONFIG, ENGINE_CONFIGS, PLACEHOLDER, Decision, ReviewState, Status

E_NEW = "E901"  # new article not `submitted`, or with reviews
E_MOVE = "E902"  # a move the state machine does not allow
E_LOG = "E903"  # a review record removed or edited
E_ID = "E904"  # id changed
E_STALE = "E905"  # content changed but still approved
E_DELETE = "E906"  # approved article deleted without the board
E_LOGIN = "E907"  # review record added by someone not among the PR's approvers
E_QUORUM = "E908"  # approved without a valid quorum
E_REVIEWER = "E909"  # review record added by someone who cannot review this article
E_OTHER = "E912"  # a file in content/ that is not an article changed without the board
E_POLICY = "E916"  # the editorial policy changed without the board
E_ENGINE = "E917"  # a pull request points an engine somewhere else than the placeholder
E_SPECIAL = "E913"  # a symbolic link or submodule under content/ in git
E_RETRACTED = "E915"  # approved while citing a paper the snapshot lists as retracted
W_UNREADABLE = "W900"  # a version git holds cannot be read; judged across it


@dataclass(frozen=True)
class Version:
    """One side of a change: where the file was and its bytes (None: absent)."""

    path: str | None
    data: bytes | None


BlobAt = Callable[
    [str, str], "str | None"
]  # (commit, path) -> blob id, "" when absent, None when the commit is unknown


@dataclass(frozen=True)
class GitHubReviews:
    """The pull request's reviews, and what the git adapter can say about their commits."""

    latest: dict[str, Review]  # lower-case login -> standing decision (reviews.latest_decisions)
    every: dict[str, list[Review]]  # lower-case login -> all their submitted reviews (reviews.by_login)
    article_at: ArticleAt
    blob_at: BlobAt


@dataclass(frozen=True)
class Judges:
    """Everything a change is judged against."""

    base: Context  # registry and policy at the base commit
    head: Context  # registry and policy at the head commit
    approvers: frozenset[str] | None  # lower-case GitHub logins; None: not checked
    reviews: GitHubReviews | None = None  # GitHub's reviews; None: not checked

    def contexts(self) -> tuple[Context, ...]:
        return (self.base, self.head)

    @property
    def confirming(self) -> bool:
        return self.approvers is not None or self.reviews is not None


def judges(
    base: Context, head: Context, approvers: Iterable[str] | None, reviews: GitHubReviews | None = None
) -> Judges:
    logins = None if approvers is None else frozenset(filter(None, map(identifiers.login, approvers)))
    return Judges(base, head, logins, reviews)


def check_commit(
    commit: str, changes: Sequence[tuple[Version, Version]], judges_: Judges, carried: dict[str, Article]
) -> list[Problem]:
    """Problems of one commit; `carried` keeps an article across commits where it
    could not be read, so an unreadable version never hides a status jump."""
    problems: list[Problem] = []
    pairs: list[tuple[Article | None, Article | None]] = []
    for old_v, new_v in changes:
        old = _load(old_v, commit, problems, carried, side="old")
        new = _load(new_v, commit, problems, carried, side="new", previous=old)
        if old_v.data is not None and old is None and new_v.data is not None and new is None:
            continue  # unreadable before and after: carried on
        if new_v.data is not None and new is None:
            continue  # unreadable now: judged at its next readable version
        pairs.append((old, new))
    for old, new in _match_by_id(pairs):
        problems.extend(judge_change(old, new, judges_, commit))
    return problems


def judge_net(changes: Sequence[tuple[Version, Version]], judges_: Judges, commit: str) -> list[Problem]:
    """Each article's net change from the base to the head, judged as one change against
    the base. Whatever path the history took, the head may only ADD to what the base
    had: the review log only grows, an approved article does not vanish without the
    board, and an `approved` head has a valid quorum of confirmed records of its own
    text. (Status moves are not judged here: any net move can be made of
    legal steps, which the commit walk checks one by one.)"""
    problems: list[Problem] = []
    pairs: list[tuple[Article | None, Article | None]] = []
    for old_v, new_v in changes:
        old = load_article(old_v.path, old_v.data)[0] if old_v.data is not None and old_v.path else None
        new = load_article(new_v.path, new_v.data)[0] if new_v.data is not None and new_v.path else None
        if new_v.data is not None and new is None:
            continue  # unreadable at the head: `unreadable_at_head` fails it
        pairs.append((old, new))
    matched: list[tuple[Article | None, Article | None]] = []
    for old, new in _match_by_id(pairs):
        if old is not None and new is not None and old.id != new.id:
            # git paired two files by likeness (two articles from one template), but an
            # article is its id: one went, another came. (A commit that changes an id is E904.)
            matched += [(old, None), (None, new)]
        else:
            matched.append((old, new))
    for old, new in matched:
        if new is None:
            if old is not None:
                problems.extend(_judge_deletion(old, judges_, commit, bound=True))
            continue
        if old is None:  # new in this pull request: every record in it is added here
            old = Article(new.path, {"id": new.id, "review_status": "", "reviews": []}, "", 1, new.located, "")
        elif old.path != new.path and old.status == Status.APPROVED:
            problems.extend(_judge_move(old, new, judges_, commit))
        where = new.pos
        added, log_problems = _appended_reviews(old, new, commit, against="the base branch's version")
        problems.extend(log_problems)
        problems.extend(_judge_added_reviews(new, added, judges_, commit, paths=(new.path, old.path), at_head=True))
        if new.status == Status.APPROVED and (
            old.status != Status.APPROVED or added or log_problems or old.digest != new.digest
        ):
            quorum = _judge_quorum(new, judges_, commit, since=approvals_from(old, new))
            if quorum and old.status == Status.APPROVED and old.digest != new.digest and not added:
                line, col = where("review_status")
                quorum = [
                    Problem(
                        new.path,
                        line,
                        col,
                        E_STALE,
                        "the content of this approved article differs from the base branch's, but it is still "
                        "`approved` with no new approval of this text; set `review_status: under_review` and ask the "
                        "board to review the new text",
                        commit,
                    )
                ]
            problems.extend(quorum)
    return problems


def special_entries(entries: Iterable[tuple[str, str]], commit: str, where: str) -> list[Problem]:
    """A symbolic link or a submodule under content/ is refused in git as on disk: a
    link's target is not content anyone reviewed (it may name a secret on the build
    machine), and a submodule is someone else's repository."""
    problems = []
    for path, mode in entries:
        if mode == SYMLINK:
            what = "a symbolic link"
        elif mode == GITLINK:
            what = "a git submodule (gitlink)"
        else:
            continue
        problems.append(
            Problem(
                path,
                1,
                1,
                E_SPECIAL,
                f"{path} is {what} {where}; nothing under content/ may be a link or a submodule: commit the file "
                f"itself (`git rm --cached {path}` and add the real file)",
                commit,
            )
        )
    return problems


def judge_other_content(
    changes: Sequence[tuple[str, str | None]],
    judges_: Judges,
    commit: str,
    shown_by: Mapping[str, Sequence[Article]] | None = None,
) -> list[Problem]:
    """A file in content/ that is not an article (a site page, an image, the registry,
    anything) is published or shapes what is, yet has no review log of its own: the
    pull request that changes it needs an active board member's approval, as a
    deletion of an approved article does; and what readers see in an answer is never
    approved by its author: a file that articles show (`shown_by`: path -> the articles
    that name it) needs a member who is an author of none of them. `changes`: (path, blob
    id at the head or None when the pull request deletes it)."""
    problems = []
    for path, blob in changes:
        showing = (shown_by or {}).get(path, ())
        authors = frozenset(author for article in showing for author in article.authors)
        if path == judges_.base.registry.path:  # no one approves their own entry: readers see it by their name
            authors |= _changed_people(judges_)

        def bound(review: Review, path=path, blob=blob) -> bool:
            held = judges_.reviews.blob_at(review.commit, path) if judges_.reviews and review.commit else None
            return held is not None and held == (blob or "")

        consent, why = _board_consent(judges_, bound, "this file as it is at the head", authors, showing)
        if consent:
            continue
        change = "deletes" if blob is None else "changes"
        problems.append(
            Problem(
                path,
                1,
                1,
                E_OTHER,
                f"this pull request {change} {path}, which is not an article (a site page, an image, the registry or "
                f"another file in content/ has no review log of its own) and {why}; a board member must approve the "
                "pull request",
                commit,
            )
        )
    return problems


def judge_engine_configs(
    paths: Iterable[str], before: Mapping | None, after: Mapping | None, commit: str
) -> list[Problem]:
    """Every engine builds from mkdocs.yml's `docs_dir`, the committed placeholder: only the plugin
    reads content/, so an engine that skips it publishes no draft. A pull request may not undo
    that: add or change a file another engine reads first (`paths`: those the range leaves changed
    at its head), or change `docs_dir` or `INHERIT` in mkdocs.yml (`before`, `after`: its settings
    at the base and the head) to anything but the placeholder."""
    problems = [
        Problem(
            path,
            1,
            1,
            E_ENGINE,
            f"this pull request adds or changes {path}, which a site engine reads before {CONFIG}: it could point "
            f"that engine at content/ past the editorial plugin and publish every draft; delete it (the site is "
            f"built from {CONFIG} alone)",
            commit,
        )
        for path in paths
        if path in ENGINE_CONFIGS
    ]
    engine = _engine_settings(after)
    if after is not None and engine != _engine_settings(before) and engine != (PLACEHOLDER, None):
        setting = f"`INHERIT: {engine[1]}`" if engine[1] is not None else f"`docs_dir: {engine[0]}`"
        problems.append(
            Problem(
                CONFIG,
                1,
                1,
                E_ENGINE,
                f"this pull request sets {setting} in {CONFIG}: every engine must build from `docs_dir: "
                f"{PLACEHOLDER}` (the plugin builds from content/ itself; an engine that skips it publishes what "
                f"`docs_dir` names); set `docs_dir: {PLACEHOLDER}` and no `INHERIT`",
                commit,
            )
        )
    return problems


def _engine_settings(config: Mapping | None) -> tuple[str, str | None]:
    """(docs_dir, INHERIT) of mkdocs.yml's settings, docs_dir as a plain relative path."""
    config = config or {}
    docs_dir = str(config.get("docs_dir", "docs")).strip().rstrip("/").removeprefix("./")
    return docs_dir, (str(config["INHERIT"]) if "INHERIT" in config else None)


def judge_policy_change(
    before: Policy, after: Policy, config: str, blob: str | None, line: int, judges_: Judges, commit: str
) -> list[Problem]:
    """The editorial policy (quorum, review interval, site pages, snapshot...) decides what is
    published, so changing it needs an active board member's approval of the pull request, as
    the content itself does; the maintainers who own mkdocs.yml's code settings are not enough.
    (Within the pull request the stricter of the two policies judges anyway.)"""
    if before == after:
        return []
    changed = sorted(name for name in before.__dataclass_fields__ if getattr(before, name) != getattr(after, name))

    def bound(review: Review) -> bool:
        held = judges_.reviews.blob_at(review.commit, config) if judges_.reviews and review.commit else None
        return held is not None and held == (blob or "")

    consent, why = _board_consent(judges_, bound, f"{config} as it is at the head")
    if consent:
        return []
    return [
        Problem(
            config,
            line,
            1,
            E_POLICY,
            f"this pull request changes the editorial policy ({', '.join(changed)}) and {why}; "
            "the board decides the policy: a board member must approve the pull request",
            commit,
        )
    ]


def _load(
    version: Version,
    commit: str,
    problems: list[Problem],
    carried: dict[str, Article],
    side: str,
    previous: Article | None = None,
) -> Article | None:
    if version.data is None or version.path is None:
        return None
    if side == "old" and version.path in carried:
        return carried.pop(version.path)
    article, load_problems = load_article(version.path, version.data)
    if article is None and side == "new":
        first = load_problems[0] if load_problems else None
        why = f"{first.code} {first.message}" if first else "it cannot be read"
        problems.append(
            Problem(
                version.path,
                first.line if first else 1,
                first.column if first else 1,
                W_UNREADABLE,
                f"this version cannot be read ({why}); it is judged against the next commit that fixes it",
                commit,
            )
        )
        if previous is not None:
            carried[version.path] = previous
    return article


def unreadable_at_head(versions: Iterable[Version], commit: str) -> list[Problem]:
    """A range may pass through a version that cannot be read (W900), but must not end on
    one: what cannot be read cannot be judged, so it never passes (fail closed)."""
    problems = []
    for version in versions:
        if version.data is None or version.path is None:
            continue
        article, load_problems = load_article(version.path, version.data)
        if article is None:
            first = (
                load_problems[0] if load_problems else Problem(version.path, 1, 1, "E199", "the file cannot be read")
            )
            problems.append(
                Problem(
                    version.path,
                    first.line,
                    first.column,
                    first.code,
                    f"{first.message} (the branch ends with this version, so its review workflow cannot be checked)",
                    commit,
                )
            )
    return problems


def _match_by_id(pairs: list[tuple[Article | None, Article | None]]) -> list[tuple[Article | None, Article | None]]:
    """A file deleted and another added with the same id in one commit is a move
    git did not recognise (it changed too much): the same article."""
    deleted = {old.id: i for i, (old, new) in enumerate(pairs) if new is None and old is not None and old.id}
    matched: list[tuple[Article | None, Article | None]] = []
    used: set[int] = set()
    for old, new in pairs:
        if old is None and new is not None and new.id in deleted and deleted[new.id] not in used:
            j = deleted[new.id]
            used.add(j)
            matched.append((pairs[j][0], new))
        else:
            matched.append((old, new))
    return [pair for i, pair in enumerate(matched) if i not in used]


def judge_change(old: Article | None, new: Article | None, judges_: Judges, commit: str) -> list[Problem]:
    """Problems of one article's change within one commit."""
    if new is None:
        return _judge_deletion(old, judges_, commit) if old is not None else []
    if old is None:
        return _judge_new(new, commit)
    problems: list[Problem] = []
    where = lambda *key: new.pos(*key)  # noqa: E731 - positions in the new version
    if old.id != new.id:
        line, col = where("id")
        problems.append(
            Problem(
                new.path,
                line,
                col,
                E_ID,
                f"`id` changed from `{old.id}` to `{new.id}`; an article's id never changes (links and approvals hang "
                f"on it); put `{old.id}` back",
                commit,
            )
        )
    moved_ok = workflow.allowed(old.status, new.status)
    if not moved_ok:
        line, col = where("review_status")
        problems.append(Problem(new.path, line, col, E_MOVE, _illegal_move(old.status, new.status), commit))
    added, log_problems = _appended_reviews(old, new, commit)
    problems.extend(log_problems)
    if old.status == Status.APPROVED and new.status == Status.APPROVED and old.digest != new.digest:
        line, col = where("review_status")
        problems.append(
            Problem(
                new.path,
                line,
                col,
                E_STALE,
                "the content of this approved article changed but it stayed `approved`; an approval covers the exact "
                "content the board read, so set `review_status: under_review` in this commit and ask for a new review",
                commit,
            )
        )
    problems.extend(_judge_added_reviews(new, added, judges_, commit))
    if new.status == Status.APPROVED and moved_ok and (old.status != Status.APPROVED or added or log_problems):
        problems.extend(_judge_quorum(new, judges_, commit))
    if new.status == Status.APPROVED and old.status != Status.APPROVED:
        problems.extend(_judge_retracted_sources(new, judges_, commit))
    return problems


def _illegal_move(before: str, after: str) -> str:
    if before == Status.SUBMITTED and after == Status.APPROVED:
        return (
            "`review_status` jumped from `submitted` to `approved`; an article goes to `under_review` first "
            "(`editorial start-review`), then the board reviews it (`editorial review`)"
        )
    moves = ", ".join(f"{a} -> {b}" for a, b in sorted(workflow.TRANSITIONS))
    return (
        f"`review_status` moved from `{before or '(none)'}` to `{after or '(none)'}`, which the review workflow does "
        f"not allow (allowed: {moves})"
    )


def _judge_new(new: Article, commit: str) -> list[Problem]:
    problems = []
    if new.status != Status.SUBMITTED:
        line, col = new.pos("review_status")
        problems.append(
            Problem(
                new.path,
                line,
                col,
                E_NEW,
                f"a new article starts as `review_status: submitted`, not `{new.status or '(none)'}`; the board "
                "approves it in a later commit",
                commit,
            )
        )
    if new.reviews:
        line, col = new.pos("reviews")
        problems.append(
            Problem(
                new.path,
                line,
                col,
                E_NEW,
                "a new article starts with `reviews: []`; review records are added by `editorial review` once it is "
                "under review",
                commit,
            )
        )
    return problems


def _judge_deletion(old: Article, judges_: Judges, commit: str, bound: bool = False) -> list[Problem]:
    """`bound`: the net judgement, where a GitHub approval counts only when given on a
    commit without the article (the member saw it gone); in the commit walk, any
    standing approval of a board member counts (a deletion undone later nets out)."""
    if old.status != Status.APPROVED:
        return []

    def gone(review: Review) -> bool:
        if not bound:
            return True
        held = judges_.reviews.article_at(review.commit, old.path) if judges_.reviews and review.commit else None
        return held is None and judges_.reviews is not None and judges_.reviews.blob_at(review.commit, old.path) == ""

    consent, why = _board_consent(judges_, gone, "a commit without this article")
    if consent:
        return []
    return [
        Problem(
            old.path,
            1,
            1,
            E_DELETE,
            f"an approved article was deleted (or moved out of content/articles) and {why}; a board member must "
            "approve the pull request",
            commit,
        )
    ]


def _judge_move(old: Article, new: Article, judges_: Judges, commit: str) -> list[Problem]:
    """An approved article's file name is its address on the site, which the digest does not
    cover: moving it needs the board's approval, given on a commit with it at its new path."""

    def there(review: Review) -> bool:
        held = judges_.reviews.article_at(review.commit, new.path) if judges_.reviews and review.commit else None
        return held is not None and held[0] == new.id

    consent, why = _board_consent(judges_, there, "a commit with the article at its new path")
    if consent:
        return []
    line, col = new.pos("id")
    return [
        Problem(
            new.path,
            line,
            col,
            E_DELETE,
            f"the approved article moved from {old.path} to {new.path}, which changes its address on the site (and "
            f"links to the old one stop working), and {why}; a board member must approve the pull request, or move "
            "it back",
            commit,
        )
    ]


def _board_consent(
    judges_: Judges,
    bound: Callable[[Review], bool],
    seen: str,
    authors: frozenset[str] = frozenset(),
    showing: Sequence[Article] = (),
) -> tuple[bool, str]:
    """Whether an active board member (base registry, serving today) who is none of `authors`
    approved the pull request, and if not, why not in words."""
    ctx = judges_.base
    serving = {login: person for login, person in ctx.registry.board_logins().items() if person.active_on(ctx.today)}
    board = {login: person for login, person in serving.items() if person.id not in authors}
    if authors and serving.keys() - board.keys() and not board.keys() & _approving_logins(judges_):
        shown = ", ".join(sorted(a.path for a in showing)[:5])
        own = sorted(p.id for login, p in serving.items() if p.id in authors and login in _approving_logins(judges_))
        if own and showing:
            return (
                False,
                f"it is shown by {shown}, and the only board approval is by {', '.join(own)}, an author there: what "
                "readers see in an answer is approved by a board member who is not its author",
            )
        if own:
            return (
                False,
                f"it changes the registry entry of {', '.join(own)}, whose approval is the only board approval: no "
                "one approves what readers read about themselves; another board member approves it",
            )
    if judges_.reviews is not None:
        approving = [
            r for login, r in judges_.reviews.latest.items() if login in board and r.state == ReviewState.APPROVED
        ]
        if any(bound(r) for r in approving):
            return True, ""
        if approving:
            return (
                False,
                f"the board members' approvals on GitHub ({', '.join(sorted(r.shown_login for r in approving))}) were "
                f"not given on {seen}",
            )
        return False, "no active board member's standing review of the pull request on GitHub is an approval"
    if judges_.approvers is not None:
        if set(board) & judges_.approvers:
            return True, ""
        return False, "none of the pull request's approvers is an active board member"
    return False, "no --approvers or --reviews were given, so the board's consent cannot be confirmed"


def _changed_people(judges_: Judges) -> frozenset[str]:
    """The ids of the people whose registry entry differs between the base and the head."""
    before, after = judges_.base.registry.people, judges_.head.registry.people
    return frozenset(pid for pid in before.keys() | after.keys() if before.get(pid) != after.get(pid))


def _approving_logins(judges_: Judges) -> set[str]:
    """The logins whose standing review approves the pull request (or --approvers)."""
    if judges_.reviews is not None:
        return {login for login, r in judges_.reviews.latest.items() if r.state == ReviewState.APPROVED}
    return set(judges_.approvers or ())


def _appended_reviews(old: Article, new: Article, commit: str, against: str = "") -> tuple[list[int], list[Problem]]:
    """Indexes of records appended in `new`, and problems if the log did not only grow."""
    before, after = review_log(old), review_log(new)
    problems = []
    than = f" (compared with {against})" if against else ""
    for index, record in enumerate(before):
        if index >= len(after):
            line, col = new.pos("reviews")
            problems.append(
                Problem(
                    new.path,
                    line,
                    col,
                    E_LOG,
                    f"review record {index + 1} (by `{_reviewer(record)}`) was removed{than}; `reviews` is an "
                    "append-only log, put the record back",
                    commit,
                )
            )
            break
        if after[index] != record:
            line, col = new.pos("reviews", index)
            problems.append(
                Problem(
                    new.path,
                    line,
                    col,
                    E_LOG,
                    f"review record {index + 1} (by `{_reviewer(record)}`) was edited{than}; records are never "
                    "changed, restore it and append a new one instead",
                    commit,
                )
            )
    if problems:
        return [], problems
    return list(range(len(before), len(after))), []


def approvals_from(base: Article | None, head: Article) -> int:
    """Where in `head`'s review log the approvals that can approve it start. Into `approved`
    (or approved with new text), only those given in this pull request count: one recorded
    before may be of a text the article left and has come back to."""
    fresh = base is None or base.status != Status.APPROVED or base.digest != head.digest
    return records_before(base, head) if fresh else 0


def records_before(base: Article | None, head: Article) -> int:
    """How many of `head`'s review records the base branch already had (same article, by id):
    the records from there on are the pull request's own."""
    return len(review_log(base)) if base is not None and base.id == head.id else 0


def review_log(article: Article) -> list:
    """The `reviews` list as written (entries that are not mappings included: they hold places)."""
    value = article.meta.get("reviews")
    return value if isinstance(value, list) else []


def _reviewer(record) -> str:
    return str(record.get("reviewer", "?")) if isinstance(record, dict) else "?"


def _judge_added_reviews(
    new: Article,
    added: list[int],
    judges_: Judges,
    commit: str,
    paths: Sequence[str | None] = (),
    at_head: bool = False,
) -> list[Problem]:
    """E909 for records by someone who cannot review the article; E907 for records the
    pull request's approvals on GitHub (or --approvers) do not confirm. `at_head`: `new`
    is the head's version, so a record's standing there can be judged."""
    problems = []
    reviews = review_log(new)
    for index in added:
        record = reviews[index] if isinstance(reviews[index], dict) else {}
        reviewer, date = _reviewer(record), str(record.get("date", ""))
        line, col = new.pos("reviews", index)
        reason = _cannot_review(new, reviewer, date, judges_)
        if reason:
            problems.append(Problem(new.path, line, col, E_REVIEWER, reason, commit))
        if not judges_.confirming:
            continue
        person = judges_.base.registry.get(reviewer)
        login = identifiers.login(person.github) if person and person.github else ""
        if judges_.reviews is not None:
            standing = (
                at_head
                and record.get("decision") == Decision.APPROVED
                and record.get("digest") == new.digest
                and _latest_record_of_digest(new, reviewer, new.digest) == index
            )
            unconfirmed = _unconfirmed_by_github(
                new, record, reviewer, person, login, judges_.reviews, (new.path, *paths), standing
            )
        elif not login or login not in (judges_.approvers or ()):
            shown = f"GitHub login `{person.github}`" if person and login else "no GitHub login in the base registry"
            unconfirmed = (
                f"review record by `{reviewer}` ({shown}) is not confirmed: that login has not approved the pull "
                "request; the board member must approve it on GitHub"
            )
        else:
            unconfirmed = ""
        if unconfirmed:
            problems.append(Problem(new.path, line, col, E_LOGIN, unconfirmed, commit))
        elif person is None or not (person.is_board and person.active_on(judges_.base.today)):
            # The pull-request approval happens now, so only a member serving now confirms
            # a record; this also stops a record backdated into a former member's term.
            problems.append(
                Problem(
                    new.path,
                    line,
                    col,
                    E_LOGIN,
                    f"review record by `{reviewer}` is confirmed by `{person.github if person else login}`, but "
                    f"`{reviewer}` is not on the "
                    f"board today ({judges_.base.today}); only a serving board member's approval confirms a review",
                    commit,
                )
            )
    return problems


def _latest_record_of_digest(article: Article, reviewer: str, digest) -> int:
    found = -1
    for index, record in enumerate(review_log(article)):
        if isinstance(record, dict) and record.get("reviewer") == reviewer and record.get("digest") == digest:
            found = index
    return found


def _unconfirmed_by_github(
    article: Article,
    record: dict,
    reviewer: str,
    person,
    login: str,
    github: GitHubReviews,
    paths: Sequence[str | None],
    standing: bool,
) -> str:
    """Why GitHub's reviews do not confirm `record`, or "" when they do (see the module's
    docstring). `standing`: the record is an approval that counts at the head."""
    if not login:
        return (
            f"review record by `{reviewer}` is not confirmed: `{reviewer}` has no GitHub login in the base registry, "
            "so no review on GitHub can be theirs"
        )
    decision = record.get("decision")
    date = str(record.get("date", ""))
    if decision != Decision.APPROVED:
        reviewed = github.every.get(login, [])
        if any(r.date == date for r in reviewed):
            return ""
        if reviewed:
            return (
                f"review record by `{reviewer}` ({decision}) is dated {date or '(no date)'}, but `{person.github}` "
                f"reviewed the pull request on GitHub on {', '.join(sorted({r.date for r in reviewed}))} (UTC); a "
                "record is dated the day its review was given: record-reviews writes it so"
            )
        return (
            f"review record by `{reviewer}` ({decision}) is not confirmed: `{person.github}` has not reviewed the pull "
            "request on GitHub; the board member requests changes there"
        )
    wanted = record.get("digest")

    def seen_at(review: Review) -> str | None:
        return text_seen(review, article.id, paths, github.article_at)

    if not standing:  # an approval of a text since revised or withdrawn: it was genuine when written
        given = [r for r in github.every.get(login, ()) if r.state in (ReviewState.APPROVED, ReviewState.DISMISSED)]
        if any(seen_at(r) == wanted and r.date == date for r in given):
            return ""
        if any(seen_at(r) == wanted for r in given):
            return _misdated(reviewer, date, person.github, [r for r in given if seen_at(r) == wanted])
        if not given:
            return (
                f"review record by `{reviewer}` is not confirmed: `{person.github}` has not approved the pull request "
                "on GitHub; the board member approves it there"
            )
        where = ", ".join(f"commit {r.commit[:10] or '(none)'} ({r.where})" for r in given[-3:])
        return (
            f"review record by `{reviewer}` is not confirmed: `{person.github}` approved {where}, where the article's "
            "text is not the one "
            f"with the record's digest {str(wanted)[:15]}…; an approval counts only for the text its reviewer saw: "
            "ask them to approve again"
        )
    latest = github.latest.get(login)
    if latest is None:
        return (
            f"review record by `{reviewer}` is not confirmed: `{person.github}` has not approved the pull request on "
            "GitHub; the board member approves it there"
        )
    if latest.state != ReviewState.APPROVED:
        state = _STANDING.get(latest.state, latest.state.lower())
        return (
            f"review record by `{reviewer}` is not confirmed: the latest review by `{person.github}` on GitHub "
            f"{state} ({latest.where}); "
            "only a standing approval confirms an approval of the current text: ask them to approve again"
        )
    if not latest.commit:
        return (
            f"review record by `{reviewer}` is not confirmed: GitHub gave no commit for the approval by "
            f"`{person.github}` ({latest.where}), so the text it saw cannot be known"
        )
    seen = seen_at(latest)
    if seen is None:
        return (
            f"review record by `{reviewer}` is not confirmed: the approval by `{person.github}` was given on commit "
            f"{latest.commit[:10]} "
            f"({latest.where}), where this article cannot be found (the commit is not in this clone, or the article "
            "was elsewhere); ask them to approve the current commit"
        )
    if seen == wanted and latest.date != date:
        return _misdated(reviewer, date, person.github, [latest])
    if seen != wanted:
        return (
            f"review record by `{reviewer}` is not confirmed: `{person.github}` approved commit {latest.commit[:10]} "
            f"({latest.where}), where this article's digest is "
            f"{seen[:15]}…, not the record's {str(wanted)[:15]}…; an approval counts only for the text its reviewer "
            "saw: ask them to approve again"
        )
    return ""


def _misdated(reviewer: str, date: str, login: str, given: Sequence[Review]) -> str:
    days = ", ".join(sorted({r.date for r in given}))
    return (
        f"review record by `{reviewer}` is dated {date or '(no date)'}, but `{login}` gave that approval on GitHub on "
        f"{days} (UTC, its submitted_at); a record is dated the day its review was given: record-reviews writes it so"
    )


_STANDING: dict[str, str] = {ReviewState.DISMISSED: "was dismissed", ReviewState.CHANGES_REQUESTED: "requests changes"}


def _cannot_review(article: Article, reviewer: str, date: str, judges_: Judges) -> str:
    if reviewer in article.authors:
        return f"`{reviewer}` is an author of this article and cannot review it; ask another board member"
    for ctx, which in ((judges_.base, "the base branch's"), (judges_.head, "this commit range's")):
        person = ctx.registry.get(reviewer)
        if person is None or not person.is_board:
            return (
                f"`{reviewer}` is not a Medical Advisory Board member in {which} {ctx.registry.path}; only board "
                "members review (changes to the registry count once merged)"
            )
        if not person.active_on(date):
            return (
                f"`{reviewer}` was not on the board on {date or '(no date)'} (serves {person.since or '?'} to "
                f"{person.until or 'now'}) according to {which} {ctx.registry.path}"
            )
    return ""


def _judge_retracted_sources(new: Article, judges_: Judges, commit: str) -> list[Problem]:
    """No article becomes approved citing a paper that the Retraction Watch snapshot of the
    base or of the head lists as retracted, unless the reference acknowledges it."""
    for ctx in judges_.contexts():
        found = retractions.blocking(retractions.cited_works(new), ctx.retractions)
        if found:
            line, col = new.pos("review_status")
            return [
                Problem(
                    new.path,
                    line,
                    col,
                    E_RETRACTED,
                    f"`approved` at this commit, but {retractions.refusal(found)}",
                    commit,
                )
            ]
    return []


def _judge_quorum(new: Article, judges_: Judges, commit: str, since: int = 0) -> list[Problem]:
    """E908 unless the quorum approved the current text; `since`: counting only the records
    from that place in the log on (those the pull request added)."""
    if workflow.Quorum.of(new, judges_.contexts(), since).met:
        return []
    for ctx in judges_.contexts():  # the context that is not met says why
        if not workflow.quorum_met(new, ctx, since):
            counted = workflow.approvers(new, ctx, since=since)
            earlier = [name for name in workflow.approvers(new, ctx) if name not in counted]
            line, col = new.pos("review_status")
            extra = " sharing a specialty with the article" if ctx.policy.specialty_match else ""
            before = (
                f"; the approval(s) by {', '.join(earlier)} were recorded before this pull request, and an article "
                "becomes `approved` only on approvals given in the pull request that approves it (its text may have "
                "changed and come back since): ask them to approve again"
                if earlier
                else ""
            )
            return [
                Problem(
                    new.path,
                    line,
                    col,
                    E_QUORUM,
                    f"`approved` without a valid quorum at this commit: {len(counted)} counted approval(s) of this "
                    f"content ({', '.join(counted) or 'none'}), the policy needs {ctx.policy.min_approvals}{extra}, "
                    "from active board members who are not authors; keep it `under_review` until enough board "
                    f"members approve{before}",
                    commit,
                )
            ]
    return []
