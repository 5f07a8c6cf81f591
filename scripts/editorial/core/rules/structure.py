"""Structure rules: the answer sits under the two known headings, each backed by citations."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser

import markdown

from ..model import Article, Context, Problem
from ..text import citations, line_col, mask_code, sections
from ..vocabulary import BODY_EXTENSIONS
from . import complexity

FILE_LOCAL = True  # this file's headings and citations (see rules/__init__.py)

GUIDELINES = "From the Guidelines"
RESEARCH = "From the Research"
ANSWER_SECTIONS = (GUIDELINES, RESEARCH)


def check(articles: Sequence[Article], ctx: Context) -> Iterator[Problem]:
    for article in articles:
        yield from _check_one(article)
        yield from _list_numbers(article)


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


# A line that may be an item of a numbered list (in a quote, an admonition or another list too)
_NUMBERED = re.compile(r"^((?:[ \t]*>)*[ \t]*)([0-9]{1,9})(\.[ \t]+)", re.M)
_TAG = re.compile(r"\ue010([0-9]+):([0-9]+)\ue011")  # (written number, line), put after each marker


def _list_numbers(article: Article) -> Iterator[Problem]:
    """E507 for an item of a numbered list whose number is not the one the page shows: the page
    numbers a list from its first item's number, one by one, so a `2.` after `7.` shows as `8.`;
    a list numbered `1.` throughout is numbered by the page. Which line is an item is the
    renderer's to say, not ours: each marker is tagged with its number and line, the body rendered
    as the site renders it, and each item's tag read against the number its list gives it."""
    if all(m.group(2).lstrip("0") == "1" for m in _NUMBERED.finditer(article.body)):
        return  # the common case: no list, or one numbered `1.` throughout
    if any(p.is_error for p in complexity.check([article], None)):
        return  # complexity refuses it first (E505, E506): rendering it would take too long

    def tag(m: re.Match[str]) -> str:
        line = article.body.count("\n", 0, m.start())
        return f"{m.group(1)}{m.group(2)}{m.group(3)}\ue010{int(m.group(2))}:{line}\ue011"

    try:
        rendered = markdown.markdown(_NUMBERED.sub(tag, article.body), extensions=list(BODY_EXTENSIONS))
    except Exception:  # noqa: BLE001 - the renderer failed: the page cannot be built (the build reports it)
        return
    numbered = _Numbered()
    numbered.feed(rendered)
    for items in numbered.lists:
        if all(written == 1 for written, _, _ in items):
            continue
        for written, shown, line in items:
            if written != shown:
                col = len(_NUMBERED.match(article.body.split("\n")[line]).group(1)) + 1  # type: ignore[union-attr]
                yield Problem(
                    article.path,
                    article.body_line + line + 1,
                    col,
                    "E507",
                    f"this item is numbered {written}, but the page shows it as {shown}. (it numbers a list from "
                    "its first item, one by one); number the items in order, or write `1.` for every item",
                )


class _Numbered(HTMLParser):
    """The items of each numbered list of rendered HTML: (written number, shown number, line) of
    each item that starts with a marker's tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lists: list[list[tuple[int, int, int]]] = []
        self.open: list[tuple[list[tuple[int, int, int]], int] | None] = []  # each open list: (its items, start)
        self.count: list[int] = []
        self.first = False  # the next text is the first of an item of a numbered list

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "ol":
            start = dict(attrs).get("start") or "1"
            items: list[tuple[int, int, int]] = []
            self.lists.append(items)
            self.open.append((items, int(start) if start.isdigit() else 1))
            self.count.append(0)
        elif tag == "ul":
            self.open.append(None)
            self.count.append(0)
        elif tag == "li" and self.open:
            self.count[-1] += 1
            self.first = self.open[-1] is not None

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ol", "ul") and self.open:
            self.open.pop()
            self.count.pop()

    def handle_data(self, data: str) -> None:
        if not self.first or not data.strip():
            return
        self.first = False
        found = _TAG.match(data.lstrip())
        current = self.open[-1]
        if found and current is not None:
            items, start = current
            items.append((int(found.group(1)), start + self.count[-1] - 1, int(found.group(2))))
