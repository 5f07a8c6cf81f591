"""Template text: nothing `editorial new` writes for the writer to replace reaches the board.

`editorial new` starts an article with placeholders in the front matter and a paragraph of
guidance under each answer section (writer.py). Each one still in the article is an error
(E510) at its field or line, saying what to write instead: a template that passes every other
check would otherwise go to the board, and could be approved, as it stands. A guidance
paragraph is found sentence by sentence, however it is re-wrapped, so that deleting half of it
does not hide the rest."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache

from .. import visible, writer
from ..model import Article, Context, Problem
from ..text import line_col

FILE_LOCAL = True  # this file's own text (see rules/__init__.py)
CODE = "E510"

# what belongs in each front-matter field `new` fills with a placeholder
INSTEAD = {
    "description": "write one or two sentences that answer the question for a clinician (shown under the title "
    "and in search results)",
    "conflicts": "state the authors' conflicts of interest (funding, fees, shares, ties to a manufacturer), or "
    "write `conflicts: none` if they have none",
}


def check(articles: Sequence[Article], ctx: Context | None) -> Iterator[Problem]:
    for article in articles:
        yield from _front_matter(article)
        yield from _body(article)


def _front_matter(article: Article) -> Iterator[Problem]:
    for key, value in article.meta.items():
        if isinstance(value, str) and (writer.REPLACE in " ".join(value.split()) or _still_placeholder(key, value)):
            line, col = article.pos(key)
            instead = INSTEAD.get(key, f"write the article's own `{key}`")
            yield Problem(
                article.path, line, col, CODE, f"`{key}` still holds the template's placeholder text; {instead}"
            )


def _body(article: Article) -> Iterator[Problem]:
    for guidance in writer.GUIDANCE:
        found = [m for m in (_pattern(s).search(article.body) for s in guidance.sentences) if m is not None]
        if found:
            first = min(found, key=lambda m: m.start())
            line, col = line_col(article.body, first.start())
            yield Problem(
                article.path,
                article.body_line + line,
                col,
                CODE,
                f"the guidance `editorial new` wrote under `## {guidance.section}` is still here "
                f"(\u201c{' '.join(first.group(0).split())}\u201d); {guidance.instead}",
            )
    if writer.REPLACE in article.body:
        line, col = line_col(article.body, article.body.index(writer.REPLACE))
        yield Problem(
            article.path,
            article.body_line + line,
            col,
            CODE,
            f"`{writer.REPLACE}` marks template text; write the article's own text in its place",
        )


def _still_placeholder(key: str, value: str) -> bool:
    """Whether `value` still says the placeholder `new` wrote for `key`, with its marker deleted:
    a writer who takes the marker for the instruction deletes just it."""
    placeholder = _PLACEHOLDER_WORDS.get(key)
    if not placeholder:
        return False
    said = " ".join(visible.words(value))
    return f" {placeholder} " in f" {said} "


_PLACEHOLDER_WORDS = {
    key: " ".join(visible.words(text.replace(writer.REPLACE, "")))
    for key, text in (("description", writer.DESCRIPTION), ("conflicts", writer.CONFLICTS))
}


@cache
def _pattern(sentence: str) -> re.Pattern[str]:
    """The sentence however its lines are broken (any run of white space between its words)."""
    return re.compile(r"\s+".join(re.escape(word) for word in sentence.split()))
