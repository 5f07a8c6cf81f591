"""The checks. Each module is one family of rules: a pure function from the
articles and their context to problems. `check` runs them all.

A module that sets `FILE_LOCAL = True` judges each file by its own bytes alone
(no registry, policy, date or other file): its findings may be remembered per
file content (see cache.py). Any module without the flag always runs.

A module that sets `ADVISORY = True` only ever reports warnings (a test holds it to that):
it cannot change what is published, so the public build, which only decides, skips it."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Article, Context, Problem, Registry
from . import (
    approval,
    citations,
    complexity,
    dates,
    html_safety,
    identity,
    people,
    readability,
    retractions,
    schema,
    structure,
    template,
    visible_text,
)

MODULES = (
    schema,
    identity,
    people,
    citations,
    structure,
    template,
    complexity,
    dates,
    approval,
    html_safety,
    visible_text,
    readability,
    retractions,
)
ARTICLE_RULES = tuple(module.check for module in MODULES)
FILE_RULES = tuple(m.check for m in MODULES if getattr(m, "FILE_LOCAL", False) is True)
DECIDING_FILE_RULES = tuple(
    m.check for m in MODULES if getattr(m, "FILE_LOCAL", False) is True and getattr(m, "ADVISORY", False) is not True
)
CORPUS_RULES = tuple(m.check for m in MODULES if getattr(m, "FILE_LOCAL", False) is not True)


def check(articles: Sequence[Article], ctx: Context, rules=ARTICLE_RULES) -> list[Problem]:
    problems: list[Problem] = []
    for rule in rules:
        try:
            problems.extend(rule(articles, ctx))
        except Exception:
            # A rule's bug must not hide the other files: rerun it file by file
            # and charge the failure to the file that causes it.
            for article in articles:
                try:
                    problems.extend(rule([article], ctx))
                except Exception as exc:
                    problems.append(_internal(article, rule, exc))
    return problems


def check_file(article: Article, advice: bool = True) -> list[Problem]:
    """The findings of the file-local rules: they depend on this article alone.
    `advice=False`: only the rules that can decide what is published."""
    problems: list[Problem] = []
    for rule in FILE_RULES if advice else DECIDING_FILE_RULES:
        try:
            problems.extend(rule([article], None))
        except Exception as exc:
            problems.append(_internal(article, rule, exc))
    return problems


def check_corpus(articles: Sequence[Article], ctx: Context) -> list[Problem]:
    """The rules that need other files, the registry, the policy or the date."""
    return check(articles, ctx, CORPUS_RULES)


def _internal(article: Article, rule, exc: Exception) -> Problem:
    return Problem(
        article.path,
        1,
        1,
        "E199",
        f"internal error in check `{rule.__module__}` ({type(exc).__name__}: {exc}); please report it",
    )


def check_registry(registry: Registry) -> list[Problem]:
    return list(schema.check_registry(registry)) + list(people.check_registry(registry))
