"""The checks. Each module is one family of rules: a pure function from the
articles and their context to problems. `check` runs them all."""
from __future__ import annotations

from collections.abc import Sequence

from ..model import Article, Context, Problem, Registry
from . import approval, citations, dates, html_safety, identity, people, readability, schema, structure

ARTICLE_RULES = (
    schema.check,
    identity.check,
    people.check,
    citations.check,
    structure.check,
    dates.check,
    approval.check,
    html_safety.check,
    readability.check,
)


def check(articles: Sequence[Article], ctx: Context) -> list[Problem]:
    problems: list[Problem] = []
    for rule in ARTICLE_RULES:
        try:
            problems.extend(rule(articles, ctx))
        except Exception:
            # A rule's bug must not hide the other files: rerun it file by file
            # and charge the failure to the file that causes it.
            for article in articles:
                try:
                    problems.extend(rule([article], ctx))
                except Exception as exc:
                    problems.append(Problem(article.path, 1, 1, "E199", f"internal error in check `{rule.__module__}` ({type(exc).__name__}: {exc}); please report it"))
    return problems


def check_registry(registry: Registry) -> list[Problem]:
    return list(schema.check_registry(registry)) + list(people.check_registry(registry))
