"""Identity rules: ids are unique and kebab-case; the file stem is the URL slug."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from .. import site_files
from ..model import Article, Context, Problem
from ..vocabulary import Status

FILE_LOCAL = False  # ids must be unique across all files (see rules/__init__.py)

KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def check(articles: Sequence[Article], ctx: Context) -> Iterator[Problem]:
    yield from _one_page_per_address(articles)
    first: dict[str, Article] = {}
    for article in articles:
        if not KEBAB.fullmatch(article.slug):
            yield Problem(
                article.path,
                1,
                1,
                "E303",
                f"file name `{article.slug}.md` is not a clean URL slug; rename it to lowercase words joined by "
                f"hyphens, e.g. `{_suggest(article.slug)}.md`",
            )
        if not article.id:
            continue  # the schema rule reports a missing or non-text id
        if article.id in first:
            other = first[article.id]
            line, col = article.pos("id")
            yield Problem(
                article.path,
                line,
                col,
                "E301",
                f"id `{article.id}` is already used by {other.path}:{other.pos('id')[0]}; ids are unique, so give "
                "this article its own",
            )
        else:
            first[article.id] = article
        if not article.id.isascii():
            line, col = article.pos("id")
            yield Problem(
                article.path,
                line,
                col,
                "E302",
                f"id `{article.id}` contains non-ASCII characters (a look-alike letter?); use a-z, 0-9 and hyphens "
                "only",
            )


def _suggest(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())) or "my-article"


def _one_page_per_address(articles: Sequence[Article]) -> Iterator[Problem]:
    """E308 for an article at the address of another: the site would have one page for two.
    Reported on the one that is not approved (the other may be published), else the later."""
    taken: dict[str, Article] = {}
    for article in articles:
        at = site_files.page_url(article.path)  # the gate's own: `a/b.md` and `a/b/index.md` are both `a/b/`
        other = taken.setdefault(at, article)
        if other is article:
            continue
        if other.status != Status.APPROVED and article.status == Status.APPROVED:
            taken[at], other, article = article, article, other
        yield Problem(
            article.path,
            1,
            1,
            "E308",
            f"{article.path} would be published at the same address as {other.path} (`{at.split('/', 1)[-1]}`); "
            "rename or move one of them",
        )
