"""Retracted sources: each reference against the policy's Retraction Watch snapshot.

What a notice about a cited paper means depends on its nature (the latest row for the
paper decides, see editorial/retractions.py) and on the article's state:

- a retraction is an error (E410) while the article is submitted or under review, so it
  cannot be approved citing it, and a warning (W410) once it is approved: the page then
  tells readers and `editorial queue` puts the article first for the board;
- an expression of concern is a warning (W411);
- a correction or a reinstatement is information only (I410, I411).

A reference with `retraction_acknowledged: YYYY-MM-DD` on or after the notice's date was
kept by the board on purpose: nothing is reported for it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .. import retractions
from ..model import Article, Context, Problem
from ..text import line_col
from ..vocabulary import Status

FILE_LOCAL = False  # needs the policy's snapshot (see rules/__init__.py)

KEEP = (
    "or, if the board keeps it on purpose, a board member writes `Keep retracted source: <reference id>` in their "
    "review on GitHub (record-reviews then adds `retraction_acknowledged: YYYY-MM-DD` to the reference)"
)


def check(articles: Sequence[Article], ctx: Context) -> Iterator[Problem]:
    index = getattr(ctx, "retractions", None)
    for article in articles:
        refs = article.meta.get("references")
        refs = refs if isinstance(refs, list) else []
        for position, ref in enumerate(refs):
            kept = ref.get("retraction_acknowledged") if isinstance(ref, dict) else None
            if isinstance(kept, str) and kept > ctx.today:  # it would cover notices not yet written
                line, col = article.pos("references", position, "retraction_acknowledged")
                yield Problem(
                    article.path,
                    line,
                    col,
                    "E602",
                    f"`retraction_acknowledged: {kept}` is in the future; "
                    "write the day the board decided to keep the reference",
                )
        links = retractions.body_links(article.body)
        for found in retractions.findings(refs + [link.as_reference() for link in links], index):
            if found.acknowledged:
                continue  # kept on purpose, after this notice: validate is quiet
            if found.index < len(refs):
                line, col = article.pos("references", found.index)
            else:  # a link in the body
                line, col = line_col(article.body, links[found.index - len(refs)].offset)
                line += article.body_line
            code, message = _finding(article, found)
            yield Problem(article.path, line, col, code, message)


def _finding(article: Article, found: retractions.Finding) -> tuple[str, str]:
    notice = found.notice
    what = f"reference '{found.key}' ({found.identifier})"
    reasons = notice.reasons
    why = f"; reasons given: {'; '.join(reasons[:3])}{'; ...' if len(reasons) > 3 else ''}" if reasons else ""
    where = f" (notice: {notice.url})" if notice.url else ""
    old = (
        f"; its `retraction_acknowledged: {found.stale_acknowledgement}` is older than this notice and does not cover "
        "it"
        if found.stale_acknowledgement
        else ""
    )
    if notice.nature == retractions.RETRACTION:
        if article.status == Status.APPROVED:
            return "W410", (
                f"{what} was retracted on {notice.date}: the page now tells readers the board is reviewing this "
                "answer; the board revises it (`editorial start-review`) and removes the source, "
                f"{KEEP}{where}{why}{old}"
            )
        return "E410", (
            f"{what} was retracted on {notice.date}: an article citing it cannot be approved; remove the "
            f"reference and what rests on it, {KEEP}{where}{why}{old}"
        )
    if notice.nature == retractions.CONCERN:
        return "W411", (
            f"{what} is under an expression of concern since {notice.date}: the page tells readers; the board "
            f"decides whether the answer still stands, and may remove the source, {KEEP}{where}{why}{old}"
        )
    if notice.nature == retractions.REINSTATEMENT:
        return "I411", f"{what} was reinstated on {notice.date} after a retraction; nothing to do{where}"
    return (
        "I410",
        f"{what} was corrected on {notice.date}; check that the correction leaves what the article says "
        f"standing{where}",
    )
