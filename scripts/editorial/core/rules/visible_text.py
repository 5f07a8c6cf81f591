"""Visible text: nothing in an article, the registry or a site page that a reader cannot see, or
that shows readers the text in another order than it is written.

A bidirectional control makes the page show other words and numbers than the file holds (the
board reads "105 mg", the page shows "150 mg"); any other invisible character (core/visible.py
says which) hides words from the audit and the search, or splits an id. Each one is refused
where it is, naming the character: in the body (code included: a control there reorders it
just the same), in every text of the front matter, in the registry, in the site pages. So is a
right-to-left character: on an English page a Hebrew maqaf between `5` and `10` shows "510"."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Sequence

from .. import visible
from ..model import Article, Context, Position, Problem, text_values
from ..text import line_col

FILE_LOCAL = True  # this file's texts alone (see rules/__init__.py)
CODE = "E805"
MAX_REPORTED = 20  # a file pasted from a word processor can hold thousands: the first ones say enough


def check(articles: Sequence[Article], ctx: Context | None) -> Iterator[Problem]:
    for article in articles:
        yield from in_text(article.path, article.body, article.body_line - 1)
        yield from in_values(article.path, article.meta, article.pos)


def in_text(path: str, text: str, lines_before: int = 0) -> Iterator[Problem]:
    """E805 for each invisible character of a text (a body, a page) at its line and column, typed
    or written as a character reference (`&#x202E;`, `&shy;`: the page shows it all the same);
    `lines_before`: the lines of the file above the text."""
    found = list(_first(_hidden_or_reordering(text)))
    for offset, ch in found[:MAX_REPORTED]:
        line, col = line_col(text, offset)
        yield Problem(path, line + 1 + lines_before, col, CODE, _message(ch, "here"))
    if len(found) > MAX_REPORTED:
        yield _more(path, found)


def in_values(path: str, data: object, pos: Callable[..., Position], where: tuple = ()) -> Iterator[Problem]:
    """E805 for each text value of front matter (or the registry) that holds an invisible
    character, at the value's line, saying which character of it."""
    if _all_plain(data):
        return
    reported = 0
    stack: list[tuple[tuple, object]] = [(where, data)]
    while stack:
        key, value = stack.pop()
        if isinstance(value, str):
            for offset, ch in _first(_hidden_or_reordering(value)):
                if reported == MAX_REPORTED:
                    return
                reported += 1
                line, col = pos(*key)
                name = ".".join(str(k) for k in key) or "value"
                yield Problem(path, line, col, CODE, _message(ch, f"in `{name}`, character {offset + 1}"))
        elif isinstance(value, dict):
            stack.extend((key + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((key + (i,), v) for i, v in enumerate(value))


def _all_plain(data: object) -> bool:
    """Whether every text value in `data` is printable ASCII without a character reference: one
    test over them all, for the front matter of nearly every file (what is found is then found
    value by value, with its key)."""
    joined = "\n".join(text_values(data))
    return "&" not in joined and visible.plain_ascii(joined)


_REFERENCE = re.compile(r"&(?:#[0-9]{1,8}|#[xX][0-9A-Fa-f]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});?")


def _hidden_or_reordering(text: str) -> Iterator[tuple[int, str]]:
    """Every character a reader does not see, or that reorders what is around it, typed or written
    as a character reference."""
    if "&" not in text and visible.plain_ascii(text):
        return
    found = {*visible.invisible(text), *visible.reordering(text)}
    if "&" in text:
        for reference in _REFERENCE.finditer(text):
            meant = html.unescape(reference.group())
            if len(meant) == 1 and (visible.is_invisible(meant) or visible.reorders(meant)):
                found.add((reference.start(), meant))
    yield from sorted(found)


def _first(found: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """At most one more than is reported, so a huge file costs no more than that."""
    for count, item in enumerate(found):
        if count > MAX_REPORTED:
            return
        yield item


def _message(ch: str, where: str) -> str:
    return (
        f"{visible.describe(ch)}, {where}; readers would not see what the file says (it was probably "
        "pasted in): delete it, and retype the text around it if it looked wrong"
    )


def _more(path: str, found: list) -> Problem:
    return Problem(
        path,
        1,
        1,
        CODE,
        f"more than {MAX_REPORTED} invisible characters in this file; only the first "
        f'{MAX_REPORTED} are listed: remove them all (an editor\'s "show invisibles" finds them)',
    )
