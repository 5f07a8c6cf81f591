"""The site's Atom feed: newly approved and re-reviewed answers, newest review first. Pure:
values in, the document's bytes out (feedgen writes it with lxml, which escapes every value).

An entry is one approval: its id names the article's address and the review's date, so a
feed reader shows a re-review as news rather than as an edit of the old entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Site

NEW, REVISED, REREVIEWED = "new", "revised", "re-reviewed"
_KIND = {NEW: "Newly approved", REVISED: "Revised and approved again", REREVIEWED: "Re-reviewed"}


@dataclass(frozen=True)
class Entry:
    title: str
    url: str  # the article's canonical address
    summary: str  # the short answer
    reviewed: str  # ISO date of the approval this entry announces
    published: str  # ISO date of the first approval
    kind: str  # NEW | REVISED | REREVIEWED
    reviewers: tuple[str, ...]  # names with credentials
    authors: tuple[str, ...]


def atom(site: Site, entries: Sequence[Entry], *, feed_url: str) -> bytes:
    """The Atom document (entries in the order given, newest first)."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.id(site.url)
    fg.title(f"{site.name}: newly approved and re-reviewed answers")
    fg.subtitle("Answers our Medical Advisory Board has approved or reviewed again, the most recent first.")
    fg.link(href=site.url, rel="alternate")
    fg.link(href=feed_url, rel="self")
    fg.author({"name": site.name})
    fg.language(site.language)
    fg.updated(_day(max((e.reviewed for e in entries), default="")) or dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    fg.generator("editorial")
    for item in entries:
        fe = fg.add_entry(order="append")
        fe.id(f"{item.url}#reviewed-{item.reviewed}")
        fe.title(f"{_KIND.get(item.kind, 'Reviewed')}: {item.title}")
        fe.link(href=item.url, rel="alternate")
        when = _day(item.reviewed)
        if when:
            fe.updated(when)
        first = _day(item.published)
        if first:
            fe.published(first)
        for name in item.authors:
            fe.author({"name": name})
        who = ", ".join(item.reviewers) or "the Medical Advisory Board"
        fe.summary(f"{item.summary} (Reviewed by {who} on {item.reviewed}.)")
        fe.category(term=item.kind, label=_KIND.get(item.kind, item.kind))
    return fg.atom_str(pretty=True)


def _day(iso: str) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
