"""Where a piece of text sits in a file, as the problems report it (1-based line and column)."""

from __future__ import annotations


def where(text: str, needle: str, nth: int = 0, shift: int = 0) -> tuple[int, int]:
    """1-based line and column of the nth `needle` (leading newlines skipped), plus `shift` columns."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    start += len(needle) - len(needle.lstrip("\n")) + shift
    line = text.count("\n", 0, start) + 1
    return line, start - (text.rfind("\n", 0, start) + 1) + 1
