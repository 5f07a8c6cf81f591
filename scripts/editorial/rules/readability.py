"""Readability: text meant for patients should read at grade 8 or below (a warning)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..model import Article, Context, Problem

FILE_LOCAL = True  # this file's patient summary (see rules/__init__.py)
ADVISORY = True  # it only ever warns: it never decides what is published (see rules/__init__.py)

MAX_GRADE = 8.0


def grade(text: str) -> float:
    import textstat  # imported late: only articles with patient text pay for it

    return float(textstat.flesch_kincaid_grade(text))


def check(articles: Sequence[Article], ctx: Context) -> Iterator[Problem]:
    for article in articles:
        summary = article.fields.patient_summary
        if not summary or "patient" not in article.fields.audience:
            continue
        score = grade(summary)
        if score > MAX_GRADE:
            line, col = article.pos("patient_summary")
            yield Problem(
                article.path,
                line,
                col,
                "W901",
                f"`patient_summary` reads at US grade {score:.1f} (Flesch-Kincaid); aim for {MAX_GRADE:.0f} or below "
                "with shorter sentences and everyday words",
            )
