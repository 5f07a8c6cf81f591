"""Reading a Markdown body as the rules see it: code masked, positions kept."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*\n.*?(?:^\1?\2[`~]*[ \t]*$|\Z)", re.M | re.S)
_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)
CITATION_GROUP = re.compile(r"\[([^\[\]\n]*?@[^\[\]\n]*?)\](?!\()")
CITATION_KEY = re.compile(r"(?<![\w@])-?@([A-Za-z0-9_](?:[A-Za-z0-9_]|[:.#$%&+?<>~/-](?=[A-Za-z0-9_]))*)")


@lru_cache(maxsize=4)  # three rules mask the same body one after the other
def mask_code(body: str) -> str:
    """The body with code blocks and code spans blanked out, same length and lines."""
    blank = lambda m: re.sub(r"[^\n]", " ", m.group(0))  # noqa: E731
    return _INLINE_CODE.sub(blank, _FENCE.sub(blank, body))


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


@dataclass(frozen=True)
class Citation:
    key: str
    offset: int  # in the body


def citations(masked: str) -> list[Citation]:
    """Every `@key` inside a Pandoc citation group `[...]`, in reading order."""
    found = []
    for group in CITATION_GROUP.finditer(masked):
        for key in CITATION_KEY.finditer(group.group(1)):
            found.append(Citation(key.group(1), group.start(1) + key.start(1)))
    return found


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    offset: int  # of the heading
    start: int  # of the section's text
    end: int


def sections(masked: str) -> list[Section]:
    """Level-2 sections: each runs to the next heading of level 1 or 2."""
    heads = [(len(m.group(1)), m.group(2).strip(), m.start(), m.end()) for m in _HEADING.finditer(masked)]
    result = []
    for i, (level, title, start, end) in enumerate(heads):
        if level != 2:
            continue
        stop = next((h[2] for h in heads[i + 1 :] if h[0] <= 2), len(masked))
        result.append(Section(level, title, start, end, stop))
    return result
