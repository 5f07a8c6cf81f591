"""Structure rules: the answer sits under the two known headings, each backed by citations."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..model import Article, Context, Problem
from ..text import citations, line_col, mask_code, sections

FILE_LOCAL = True  # this file's headings and citations (see rules/__init__.py)

GUIDELINES = "From the Guidelines"
RESEARCH = "From the Research"
ANSWER_SECTIONS = (GUIDELINES, RESEARCH)


def check(articles: Sequence[Article], ctx: Context) -> Iterator[Problem]:
    for article in articles:
        yield from _check_one(article)


def _check_one(article: Article) -> Iterator[Problem]:
    masked = mask_code(article.body)
    found = [s for s in sections(masked) if s.title in ANSWER_SECTIONS]
    if not found:
        near = [s for s in sections(masked) if s.title.lower() in (t.lower() for t in ANSWER_SECTIONS)]
        # no body: the closing `---`
        where = line_col(masked, near[0].offset) if near else (0 if article.body else -1, 1)
        hint = f" (`## {near[0].title}` must be written exactly `## {GUIDELINES}` or `## {RESEARCH}`)" if near else ""
        yield Problem(
            article.path,
            article.body_line + where[0],
            where[1],
            "E501",
            f"the answer needs a `## {GUIDELINES}` and/or `## {RESEARCH}` section{hint}",
        )
        return
    kinds: dict = {}
    for ref in article.references:  # the first definition counts, as in the citation rule (E403 reports the repeat)
        if isinstance(ref.get("id"), str):
            kinds.setdefault(ref["id"], ref.get("evidence"))
    seen: set[str] = set()
    for section in found:
        line, col = line_col(masked, section.offset)
        line += article.body_line
        if section.title in seen:
            yield Problem(
                article.path, line, col, "E504", f"`## {section.title}` appears twice; merge the two sections"
            )
        seen.add(section.title)
        cited = citations(masked[section.start : section.end])
        if not cited:
            yield Problem(
                article.path,
                line,
                col,
                "E502",
                f"`## {section.title}` cites no reference; back it with at least one [@key]",
            )
        if section.title == GUIDELINES:
            for citation in cited:
                if kinds.get(citation.key) == "research":
                    cl, cc = line_col(masked, section.start + citation.offset)
                    yield Problem(
                        article.path,
                        article.body_line + cl,
                        cc,
                        "E503",
                        f"`@{citation.key}` is research, but `## {GUIDELINES}` may cite only references with "
                        f"`evidence: guideline`; move the sentence to `## {RESEARCH}` or fix `evidence`",
                    )
