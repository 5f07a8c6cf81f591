"""All articles, the registry and the policy judged together: the one entry point
that the CLI, the MkDocs plugin and the audit share. Pure: it is handed bytes."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from . import rules
from .loader import load_article, load_registry
from .model import Article, Context, Policy, Problem, Registry
from .retractions import Index
from .vocabulary import Status


@dataclass(frozen=True)
class Source:
    """One file as read from disk or git: its bytes, or why it could not be read."""

    path: str
    data: bytes | None
    problem: Problem | None = None


@dataclass
class Corpus:
    articles: list[Article]
    registry: Registry
    context: Context
    problems: list[Problem]
    paths: list[str] = field(default_factory=list)  # every article file seen, loaded or not
    # path -> the text of a file not analysed (it cannot be approved): the audit's withheld text.
    # Text, not bytes: the audit reads text, and keeping the bytes as well held every draft twice.
    unread: dict[str, str] = field(default_factory=dict)

    def problems_by_path(self) -> dict[str, list[Problem]]:
        grouped: dict[str, list[Problem]] = defaultdict(list)
        for problem in self.problems:
            grouped[problem.path].append(problem)
        return grouped

    def publication(self) -> dict[str, list[Problem]]:
        """For every article file: the reasons it may not be published (none: publish).

        Fail closed: an article is published only if it is approved and nothing at
        all is wrong with it or with the registry that vouches for its reviewers."""
        grouped = self.problems_by_path()
        registry_errors = [p for p in grouped.get(self.registry.path, []) if p.is_error]
        decision: dict[str, list[Problem]] = {}
        for path in self.paths:
            reasons = [p for p in grouped.get(path, []) if p.is_error]
            if path in self.unread:
                reasons.append(
                    Problem(path, 1, 1, "I001", "not approved: the front matter does not say `approved` anywhere")
                )
            decision[path] = reasons
        for article in self.articles:
            reasons = decision[article.path]
            if article.status != Status.APPROVED and not reasons:
                line, col = article.pos("review_status")
                reasons.append(
                    Problem(article.path, line, col, "I001", f"not approved: review_status is `{article.status}`")
                )
            if registry_errors:
                reasons.extend(registry_errors[:1])
        return decision

    def published(self) -> list[Article]:
        decision = self.publication()
        return [a for a in self.articles if not decision[a.path]]


@dataclass(frozen=True)
class FileResult:
    """What one file's bytes alone say: the article (None if unreadable), the
    loader's problems and those of the file-local rules."""

    article: Article | None
    problems: list[Problem]


def analyse(source: Source, advice: bool = True) -> FileResult:
    """Load one file and run the rules that need nothing but the file (`advice=False`: only
    those that can decide what is published)."""
    assert source.data is not None  # only files that were read are analysed
    try:
        article, problems = load_article(source.path, source.data)
    except Exception as exc:  # a loader bug must not hide the file: report it, fail closed
        return FileResult(
            None,
            [
                Problem(
                    source.path,
                    1,
                    1,
                    "E199",
                    f"internal error while reading this file ({type(exc).__name__}: {exc}); please report it",
                )
            ],
        )
    if article is not None:
        problems = problems + rules.check_file(article, advice)
    return FileResult(article, problems)


# How a list of readable sources is analysed: one by one here; cache.py offers a
# cached, parallel analyser with the same shape (it returns one result per source).
Analyser = Callable[[Sequence[Source]], list[FileResult]]


def analyse_each(sources: Sequence[Source]) -> list[FileResult]:
    return [analyse(source) for source in sources]


_APPROVED = re.compile(rb"approved", re.I)


def cannot_be_approved(data: bytes) -> bool:
    """Whether a file's bytes prove it is not an approved article, without reading its YAML:
    `review_status: approved` needs the word in the front matter, literally, unless a YAML
    escape (a backslash) spells it otherwise. Conservative: True only when neither is there."""
    data = data.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark, as the loader drops it
    if not data.startswith(b"---"):
        return True  # no front matter: it cannot be read as an article at all
    end = data.find(b"\n---", 3)
    front = data[:end] if end >= 0 else data
    return b"\\" not in front and _APPROVED.search(front) is None


def build(
    sources: Iterable[Source],
    registry: Source,
    policy: Policy,
    today: str,
    analyser: Analyser | None = None,
    retractions: Index | None = None,
    *,
    approvable_only: bool = False,
) -> Corpus:
    """Every article judged with the registry and the policy. `approvable_only` (the public
    build): a file whose bytes prove it cannot be approved is withheld without being analysed
    (`editorial validate` analyses every file)."""
    problems: list[Problem] = []
    reg, reg_problems = (
        (None, [registry.problem]) if registry.data is None else load_registry(registry.path, registry.data)
    )
    problems.extend(p for p in reg_problems if p)
    if reg is None:
        reg = Registry(registry.path, {})
    else:
        problems.extend(rules.check_registry(reg))
    paths: list[str] = []
    readable: list[Source] = []
    unread: dict[str, str] = {}
    for source in sources:
        paths.append(source.path)
        if source.data is None:
            assert source.problem is not None  # the workspace always says why it could not read a file
            problems.append(source.problem)
        elif approvable_only and cannot_be_approved(source.data):
            unread[source.path] = source.data.decode("utf-8", errors="replace")
        else:
            readable.append(source)
    articles: list[Article] = []
    for result in (analyser or analyse_each)(readable):
        problems.extend(result.problems)
        if result.article is not None:
            articles.append(result.article)
    context = Context(reg, policy, today, retractions)
    problems.extend(rules.check_corpus(articles, context))
    return Corpus(articles, reg, context, problems, paths, unread)
