"""Citation rules: every [@key] is defined, every reference is cited, ids are well-formed."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ..model import Article, Context, Problem
from ..text import citations, line_col, mask_code

FILE_LOCAL = True  # citations against this file's own references (see rules/__init__.py)

DOI = re.compile(r"10\.\d{4,9}/[!-~]+", re.ASCII)  # printable ASCII: what doi.org reads is what is written
PMID = re.compile(r"[1-9]\d{0,8}", re.ASCII)
PMCID = re.compile(r"PMC\d{1,9}", re.ASCII)


def check(articles: Sequence[Article], ctx: Context) -> Iterator[Problem]:
    for article in articles:
        yield from _check_one(article)


def _check_one(article: Article) -> Iterator[Problem]:
    defined: dict[str, int] = {}
    refs = article.meta.get("references")
    for index, ref in enumerate(refs if isinstance(refs, list) else []):
        if not isinstance(ref, dict):
            continue
        key = ref.get("id")
        if isinstance(key, str):
            if key in defined:
                line, col = article.pos("references", index, "id")
                yield Problem(
                    article.path,
                    line,
                    col,
                    "E403",
                    f"reference id `{key}` is defined twice; give each reference its own id",
                )
            else:
                defined[key] = index
        yield from _identifiers(article, index, ref)

    cited: set[str] = set()
    masked = mask_code(article.body)
    for citation in citations(masked):
        cited.add(citation.key)
        if citation.key not in defined:
            line, col = line_col(masked, citation.offset)
            yield Problem(
                article.path,
                article.body_line + line,
                col,
                "E401",
                f"citation `@{citation.key}` has no entry in `references`; add the reference or fix the key",
            )
    for key, index in defined.items():
        if key not in cited:
            line, col = article.pos("references", index, "id")
            yield Problem(
                article.path,
                line,
                col,
                "E402",
                f"reference `{key}` is never cited; cite it in the body as [@{key}] or remove it",
            )


def _identifiers(article: Article, index: int, ref: dict) -> Iterator[Problem]:
    checks = (
        (
            "DOI",
            DOI,
            "a DOI starts with 10., has no https://doi.org/ or doi: prefix and no %-escapes (write the characters "
            "they stand for), e.g. 10.1007/s00134-021-06506-y",
        ),
        ("PMID", PMID, "a PMID is digits only, e.g. 33538029"),
        ("PMCID", PMCID, "a PMCID is PMC followed by digits, e.g. PMC1234567"),
    )
    for field, pattern, hint in checks:
        value = str(ref[field]).strip() if field in ref else ""
        if field in ref and (not pattern.fullmatch(value) or (field == "DOI" and "%" in value)):
            line, col = article.pos("references", index, field)
            yield Problem(article.path, line, col, "E404", f"{field} {ref[field]!r} is malformed: {hint}")
