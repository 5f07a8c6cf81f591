"""Readability: text meant for patients should read at grade 8 or below (a warning)."""

from __future__ import annotations

import importlib.resources
import sys
import types
from collections.abc import Iterator, Sequence
from typing import Any

from ..model import Article, Context, Problem
from ..vocabulary import Audience

FILE_LOCAL = True  # this file's patient summary (see rules/__init__.py)
ADVISORY = True  # it only ever warns: it never decides what is published (see rules/__init__.py)

MAX_GRADE = 8.0


def grade(text: str) -> float:
    return float(_textstat().flesch_kincaid_grade(text))


def _textstat() -> Any:
    """textstat, imported late (only articles with patient text pay for it).

    textstat 0.7.3 (pinned) imports pkg_resources only to read its word lists, which
    Flesch-Kincaid never uses. That import scans every installed package (0.2 s in each
    process) and fails outright with setuptools 82 or later, which removed it. So textstat
    is imported against a stand-in with the one function it calls, read through
    importlib.resources; the stand-in is visible to that import only."""
    if "textstat" in sys.modules:
        return sys.modules["textstat"]
    stand_in = None
    if sys.modules.get("pkg_resources") is None:
        stand_in = types.ModuleType("pkg_resources")
        stand_in.resource_stream = _resource_stream  # type: ignore[attr-defined]
        sys.modules["pkg_resources"] = stand_in
    try:
        import textstat
    finally:
        if stand_in is not None and sys.modules.get("pkg_resources") is stand_in:
            del sys.modules["pkg_resources"]
    return textstat


def _resource_stream(package: str, name: str) -> Any:
    return importlib.resources.files(package).joinpath(name).open("rb")


def check(articles: Sequence[Article], ctx: Context) -> Iterator[Problem]:
    for article in articles:
        summary = article.fields.patient_summary
        if not summary or Audience.PATIENT not in article.fields.audience:
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
