"""People rules: authors and reviewers are known, reviewers sit on the board."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .. import identifiers
from ..model import Article, Context, Problem, Registry
from .html_safety import markup_in_text  # names, credentials and bios are published as plain text
from .visible_text import in_values as invisible_in_values

FILE_LOCAL = False  # needs the registry (see rules/__init__.py)


def check(articles: Sequence[Article], ctx: Context) -> Iterator[Problem]:
    registry = ctx.registry
    for article in articles:
        authors = article.meta.get("authors")
        for index, author in enumerate(authors if isinstance(authors, list) else []):
            if isinstance(author, str) and registry.get(author) is None:
                line, col = article.pos("authors", index)
                yield Problem(
                    article.path,
                    line,
                    col,
                    "E304",
                    f"author `{author}` is not in {registry.path}; add them there or fix the id",
                )
        reviews = article.meta.get("reviews")
        for index, review in enumerate(reviews if isinstance(reviews, list) else []):
            reviewer = review.get("reviewer") if isinstance(review, dict) else None
            if not isinstance(reviewer, str):
                continue
            person = registry.get(reviewer)
            if person is None:
                code, message = (
                    "E305",
                    f"reviewer `{reviewer}` is not in {registry.path}; only Medical Advisory Board members listed "
                    "there can review",
                )
            elif not person.is_board:
                code, message = (
                    "E306",
                    f"reviewer `{reviewer}` ({person.name}) is not a Medical Advisory Board member; only people with "
                    "role `board` can review",
                )
            elif reviewer in article.authors:
                code, message = (
                    "E704",
                    f"reviewer `{reviewer}` is an author of this article; authors cannot review their own work, ask "
                    "another board member",
                )
            else:
                continue
            # where only once there is a problem: a nested position is worked out again (analysis.py)
            line, col = article.pos("reviews", index, "reviewer")
            yield Problem(article.path, line, col, code, message)


def check_registry(registry: Registry) -> Iterator[Problem]:
    yield from markup_in_text(registry.path, registry.located.data, registry.located.pos)
    yield from invisible_in_values(registry.path, registry.located.data, registry.located.pos)
    seen: dict[str, int] = {}
    logins: dict[str, object] = {}  # login -> the id of the entry that holds it
    entries = registry.located.data.get("people", []) if isinstance(registry.located.data, dict) else []
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict):
            continue
        person_id, login = entry.get("id"), entry.get("github")
        line, col = registry.located.pos("people", index, "id")
        if isinstance(person_id, str):
            if person_id in seen:
                yield Problem(
                    registry.path,
                    line,
                    col,
                    "E307",
                    f"person id `{person_id}` is listed twice (also at line {seen[person_id]}); keep one entry per "
                    "person",
                )
            else:
                seen[person_id] = line
        if isinstance(login, str):
            key = identifiers.login(login) or login
            if key in logins and logins[key] != person_id:
                line, col = registry.located.pos("people", index, "github")
                yield Problem(
                    registry.path,
                    line,
                    col,
                    "E307",
                    f"GitHub login `{login}` also belongs to `{logins[key]}`; each login confirms one person's reviews",
                )
            logins[key] = person_id
        since, until = entry.get("since"), entry.get("until")
        if isinstance(since, str) and isinstance(until, str) and until < since:
            line, col = registry.located.pos("people", index, "until")
            yield Problem(
                registry.path, line, col, "E601", f"`until` ({until}) is before `since` ({since}) for `{person_id}`"
            )
