"""Date rules: created <= updated <= today, and every review dated between created and today."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence

from ..model import Article, Context, Problem

FILE_LOCAL = False  # needs today's date (see rules/__init__.py)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def check(articles: Sequence[Article], ctx: Context) -> Iterator[Problem]:
    for article in articles:
        yield from _sources_from_the_future(article, ctx.today)
        created, updated = real_date(article.fields.created), real_date(article.fields.updated)
        if created and updated and updated < created:
            line, col = article.pos("updated")
            yield Problem(
                article.path,
                line,
                col,
                "E601",
                f"`updated` ({updated}) is before `created` ({created}); fix whichever is wrong",
            )
        if updated and updated > ctx.today:
            line, col = article.pos("updated")
            yield Problem(
                article.path,
                line,
                col,
                "E602",
                f"`updated` ({updated}) is in the future (today is {ctx.today}); use the date of the change",
            )
        for record in article.reviews:
            date = real_date(record.date)
            if date and created and date < created:
                line, col = article.pos("reviews", record.index, "date")
                yield Problem(
                    article.path,
                    line,
                    col,
                    "E601",
                    f"review date {date} is before the article was written (`created` {created}); a review cannot "
                    "come before its text: correct whichever date is wrong",
                )
            if (
                date
                and updated
                and date < updated
                and record.digest == article.digest
                and record.decision == "approved"
            ):
                line, col = article.pos("reviews", record.index, "date")
                yield Problem(
                    article.path,
                    line,
                    col,
                    "E601",
                    f"this approval of the current text is dated {date}, before the text's own `updated` ({updated}): "
                    "no one approved on that day a text that says it changed later; correct `updated` (the day of the "
                    "last change of substance) and have the text approved again",
                )
            if date and date > ctx.today:
                line, col = article.pos("reviews", record.index, "date")
                yield Problem(
                    article.path, line, col, "E602", f"review date {date} is in the future (today is {ctx.today})"
                )


def _sources_from_the_future(article: Article, today: str) -> Iterator[Problem]:
    """A reference cannot have been published (or read) after today."""
    year = int(today[:4])
    for index, ref in enumerate(article.references):
        for field in ("issued", "accessed"):
            parts = ref.get(field, {}).get("date-parts") if isinstance(ref.get(field), dict) else None
            first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
            numbers = [n for n in first[:3] if isinstance(n, int) and not isinstance(n, bool)]
            if not numbers:
                continue
            when = "-".join(f"{n:02d}" if i else f"{n:04d}" for i, n in enumerate(numbers))
            if numbers[0] > year or when > today[: len(when)]:
                line, col = article.pos("references", index, field)
                yield Problem(
                    article.path,
                    line,
                    col,
                    "E602",
                    f"reference `{ref.get('id', '?')}` is `{field}` {when}, in the future (today is {today}); "
                    "write the date the work was published (or read)",
                )


def real_date(value) -> str:
    """The value if it is a real YYYY-MM-DD date (these compare as text), else "":
    the schema rule already reports anything else, and `soon` is not in the future."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return ""
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return ""
    return value
