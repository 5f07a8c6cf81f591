"""Date rules: created <= updated <= today, and no review dated in the future."""
from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..model import Article, Context, Problem

FILE_LOCAL = False  # needs today's date (see rules/__init__.py)


def check(articles: Sequence[Article], ctx: Context) -> Iterator[Problem]:
    for article in articles:
        created, updated = article.meta.get("created"), article.meta.get("updated")
        if not (isinstance(created, str) and isinstance(updated, str)):
            continue  # the schema rule reports it
        if updated < created:
            line, col = article.pos("updated")
            yield Problem(article.path, line, col, "E601", f"`updated` ({updated}) is before `created` ({created}); fix whichever is wrong")
        if updated > ctx.today:
            line, col = article.pos("updated")
            yield Problem(article.path, line, col, "E602", f"`updated` ({updated}) is in the future (today is {ctx.today}); use the date of the change")
        for index, review in enumerate(article.reviews):
            date = review.get("date")
            if isinstance(date, str) and date > ctx.today:
                line, col = article.pos("reviews", index, "date")
                yield Problem(article.path, line, col, "E602", f"review date {date} is in the future (today is {ctx.today})")
