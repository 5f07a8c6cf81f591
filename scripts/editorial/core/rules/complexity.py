"""Complexity rules: a body the Markdown renderer can render in time proportional to its length.

Python-Markdown recurses once per level of nesting (a list 300 levels deep exhausts the
stack) and scans forward from every `[` and `<` it cannot close (so a paragraph of a few
thousand of them takes minutes). No answer to a medical question needs either, so the
body is refused at the line where it goes too deep (E505) or where one paragraph repeats
such a character too often (E506). Within these limits the time grows with the text, and
the build still bounds each page's time and turns any renderer failure into an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ..model import Article, Context, Problem
from ..text import line_col, mask_code

FILE_LOCAL = True  # this file's body alone (see rules/__init__.py)

MAX_DEPTH = 16  # levels of any construct that nests: lists, quotes, indented blocks, HTML elements, brackets
MAX_INDENT = 4 * MAX_DEPTH  # leading columns of a line (a nested list or admonition indents each level)
MAX_PER_PARAGRAPH = 300  # `[` or `<` in one paragraph; a real one holds a few dozen
MAX_PIPES_PER_LINE = 200  # table cells in one row
MAX_ABBREVIATIONS = 100  # `*[ABC]: ...` definitions; each one is a pattern run over the whole page

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^<>]*?(/?)>")
_DEEP_INDENT = re.compile(rf"^([ \t]{{{MAX_INDENT // 4 + 1},}})\S", re.M)  # then measured with tabs as 4 columns
_DEEP_QUOTES = re.compile(rf"^[ ]{{0,3}}(?:>[ ]?){{{MAX_DEPTH + 1}}}", re.M)
_LONG_ROW = re.compile(rf"^[^\n]{{{MAX_PIPES_PER_LINE},}}$", re.M)  # only a line this long can hold that many cells
_ABBREVIATION = re.compile(r"^\*\[[^\]\n]+\]:", re.M)
_BLANK_LINES = re.compile(r"\n[ \t]*\n")


def check(articles: Sequence[Article], ctx: Context | None) -> Iterator[Problem]:
    for article in articles:
        yield from _check_one(article)


def _check_one(article: Article) -> Iterator[Problem]:
    masked = mask_code(article.body)

    def at(offset: int, code: str, message: str) -> Problem:
        line, col = line_col(masked, offset)
        return Problem(article.path, article.body_line + line, col, code, message)

    deep = _too_deep(masked)
    if deep is not None:
        offset, what = deep
        yield at(
            offset,
            "E505",
            f"{what} nests deeper than {MAX_DEPTH} levels here; the page cannot be rendered safely: "
            "flatten it (no answer needs more than a few levels)",
        )
    for start, paragraph in (
        _paragraphs(masked) if max(masked.count("["), masked.count("<")) > MAX_PER_PARAGRAPH else ()
    ):
        for char, name in (("[", "`[`"), ("<", "`<`")):
            if paragraph.count(char) > MAX_PER_PARAGRAPH:
                yield at(
                    start + _nth(paragraph, char, MAX_PER_PARAGRAPH + 1),
                    "E506",
                    f"this paragraph holds more than {MAX_PER_PARAGRAPH} {name}, which makes Markdown slow to render; "
                    "split the paragraph or write the characters differently",
                )
    for row in _LONG_ROW.finditer(masked):
        line = row.group()
        if line.count("|") > MAX_PIPES_PER_LINE:
            yield at(
                row.start() + _nth(line, "|", MAX_PIPES_PER_LINE + 1),
                "E506",
                f"this table row has more than {MAX_PIPES_PER_LINE} cells; split the table",
            )
    definitions = list(_ABBREVIATION.finditer(masked))
    if len(definitions) > MAX_ABBREVIATIONS:
        yield at(
            definitions[MAX_ABBREVIATIONS].start(),
            "E506",
            f"more than {MAX_ABBREVIATIONS} abbreviation definitions (`*[X]: ...`); each one slows the page down: "
            "keep the ones readers need",
        )


def _too_deep(masked: str) -> tuple[int, str] | None:
    """(offset, what) of the first place where something nests deeper than MAX_DEPTH.
    Each check starts with a C-speed search, so an ordinary body costs a few regex scans."""
    for match in _DEEP_INDENT.finditer(masked):
        lead = match.group(1).expandtabs(4)
        if len(lead) > MAX_INDENT:
            return match.start(), f"indentation of {len(lead)} columns (a nested list, quote or block)"
    quotes = _DEEP_QUOTES.search(masked)
    if quotes:
        return quotes.start(), "a block quote"
    if masked.count("<") > MAX_DEPTH:
        depth = 0
        for match in _TAG.finditer(masked):
            closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
            if name in _VOID or self_closing:
                continue
            depth = max(0, depth - 1) if closing else depth + 1
            if depth > MAX_DEPTH:
                return match.start(), f"HTML (`<{name}>` inside {MAX_DEPTH} other elements)"
    if masked.count("[") > MAX_DEPTH:
        for start, paragraph in _paragraphs(masked):
            if paragraph.count("[") <= MAX_DEPTH:
                continue
            depth = 0
            for index, char in enumerate(paragraph):
                if char == "[":
                    depth += 1
                    if depth > MAX_DEPTH:
                        return start + index, "`[` brackets"
                elif char == "]" and depth:
                    depth -= 1
    return None


def _paragraphs(masked: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of each run of lines between blank lines."""
    start = 0
    for gap in _BLANK_LINES.finditer(masked):
        yield start, masked[start : gap.start()]
        start = gap.end()
    yield start, masked[start:]


def _nth(text: str, char: str, n: int) -> int:
    """Offset of the n-th (1-based) `char` in `text`."""
    index = -1
    for _ in range(n):
        index = text.index(char, index + 1)
    return index
