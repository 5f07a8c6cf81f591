"""The pages the plugin writes: the Medical Advisory Board, the editorial policy, the home listing.

The board page is written from content/people.yml and the policy page from the plugin's
options (the same values the checks use), so neither can disagree with the pipeline. They
are added as generated files in on_files (site_files.GENERATED_PAGES names them for the
audit too); the registry itself is never published. Every value is HTML-escaped here.
"""
from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable

from markupsafe import escape
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from .. import disclaimer, site_files
from ..article_view import specialty_name
from ..jsonld import person_anchor
from ..model import Article, Person, Policy, Problem, Registry
from .build import Build, fail

HOME = "index.md"
ABOUT = "about.md"
DISCLAIMER_SLOT = "<!-- editorial:disclaimer -->"


class SitePages:
    """The generated pages, and what the plugin adds to the home and about pages."""

    def __init__(self, build: Build):
        self.build = build

    def add(self, files: Files) -> Files:
        """The board and policy pages, as generated files (on_files)."""
        build = self.build
        contents = {
            "board/": board_markdown(build.corpus.registry, build.corpus.context.today),
            "editorial-policy/": policy_markdown(build.policy),
        }
        for url, src_uri in site_files.GENERATED_PAGES.items():
            if files.get_file_from_path(src_uri) is not None:
                where = build.src_path(src_uri)
                fail("", [Problem(where, 1, 1, "E114", f"{where} has the address of the page the editorial plugin generates "
                                                       f"({url}); rename it and update `site_pages` in mkdocs.yml")])
            files.append(File.generated(build.config, src_uri, content=contents[url]))
        return files

    def markdown(self, markdown: str, page: Page, files: Files) -> str:
        """The home page gets the listing of published articles; the about page the disclaimer."""
        src = page.file.src_uri
        if src == HOME:
            return markdown.rstrip("\n") + "\n\n" + self._home_listing(page, files) + "\n"
        if src == ABOUT:
            return markdown.replace(DISCLAIMER_SLOT, disclaimer_markdown())
        return markdown

    def _home_listing(self, page: Page, files: Files) -> str:
        items = []
        for src_uri, article in self.build.published.items():
            file = files.get_file_from_path(src_uri)
            if file is not None:
                items.append((article, get_relative_url(file.url, page.file.url)))
        return listing(items)


def disclaimer_markdown() -> str:
    return (f'<div class="editorial-disclaimer-text" markdown>\n\n**For healthcare professionals.** {escape(disclaimer.CLINICIAN)}\n\n'
            f"**For patients and caregivers.** {escape(disclaimer.PATIENT)}\n\n</div>")


# -- names -----------------------------------------------------------------------------

def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


# -- the home page ---------------------------------------------------------------------

def listing(items: Iterable[tuple[Article, str]]) -> str:
    """Published articles grouped by specialty (an article under each of its specialties).

    `items` are (article, URL relative to the home page). Linear in the number of
    articles, apart from sorting each group by title."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for article, url in items:
        specialties = [s for s in article.meta.get("specialties") or [] if isinstance(s, str)] or ["general"]
        for slug in dict.fromkeys(specialties):
            groups[slug].append((article.title, url))
    if not groups:
        return '<p class="editorial-listing-empty">No reviewed articles are published yet.</p>'
    out = ['<div class="editorial-listing">']
    for slug in sorted(groups, key=specialty_name):
        name = specialty_name(slug)
        out.append(f'<h2 id="specialty-{_e(slug)}">{_e(name)}</h2>')
        out.append('<ul class="editorial-listing__articles">')
        out.extend(f'<li><a href="{_e(url)}">{_e(title)}</a></li>' for title, url in sorted(groups[slug]))
        out.append("</ul>")
    out.append("</div>")
    return "\n".join(out)


# -- the board -------------------------------------------------------------------------

def board_markdown(registry: Registry, today: str) -> str:
    board = [p for p in registry.people.values() if p.is_board]
    current = sorted((p for p in board if p.active_on(today)), key=lambda p: p.name)
    former = sorted((p for p in board if p.until and p.until < today), key=lambda p: p.name)
    out = [
        "---", "title: Medical Advisory Board", "---", "",
        "# Medical Advisory Board", "",
        "Every article on this site is checked by members of the board before it is published.",
        "Members review an article against the sources it cites and never approve an article",
        "they wrote. See [how articles are reviewed](editorial-policy.md).", "",
        "## Current members", "",
    ]
    out.extend(_member(p) for p in current)
    if not current:
        out.append("The board has no current members.\n")
    if former:
        out += ["## Former members", "",
                "Their past reviews still stand for the content they approved.", ""]
        out.extend(_member(p, former=True) for p in former)
    return "\n".join(out) + "\n"


def _member(person: Person, former: bool = False) -> str:
    # Names, credentials and specialties only: GitHub logins are never published.
    lines = [f'<div class="editorial-member{" editorial-member--former" if former else ""}" id="{_e(person_anchor(person.id))}" markdown>', "",
             f"### {_e(person.display)}", ""]
    if former:
        lines += [f'<p class="editorial-member__former">Former member (served {_e(person.since or "?")} to {_e(person.until)})</p>', ""]
    if person.specialties:
        lines += [f"<p><strong>Specialties:</strong> {_e(', '.join(specialty_name(s) for s in person.specialties))}</p>", ""]
    if person.bio:
        lines += [f"<p>{_e(person.bio)}</p>", ""]
    lines += ["</div>", ""]
    return "\n".join(lines)


# -- the editorial policy ----------------------------------------------------------------

def policy_markdown(policy: Policy) -> str:
    n = policy.min_approvals
    approvals = "one member of the Medical Advisory Board" if n == 1 else f"{n} different members of the Medical Advisory Board"
    specialty = ("At least one of the approving members must share a specialty with the article."
                 if policy.specialty_match else
                 "Approving members need not share the article's specialty; they judge whether the answer is faithful to its sources.")
    return f"""---
title: Editorial policy
---

# Editorial policy

This page explains how an answer gets onto this site. The numbers on it are read from the
same settings the publishing pipeline enforces, so the page and the checks always agree.

## How an article is written

A medical writer drafts the answer to one question, citing clinical guidelines and published
research for every claim. The article starts as **submitted**. Articles name their authors and
the authors' disclosures.

## How an article is reviewed

An editor moves the article to **under review**. Board members read it against its sources and
either approve it or ask for changes. An approval is tied to the exact text the reviewer read: if
anything in the article changes afterwards, even one word or one reference, the approval no
longer counts and the article has to be reviewed again.

## Quorum

An article is published only when it has been approved by {approvals}
(quorum: <span class="editorial-policy-value" id="policy-min-approvals">{n}</span>). Each of them
must be serving on the board on the day of the approval, and none of them may be an author of the
article. {specialty}

## Review interval

Each published article carries a date for its next review, at most
<span class="editorial-policy-value" id="policy-review-interval">{policy.review_interval_days}</span> days after it
was approved. When that date passes, the page says that the review is overdue until the board
has looked at it again.

## Conflicts of interest

Authors declare their conflicts of interest with every article, and the page shows them ("none"
is a declaration too). Board members do not approve articles they wrote, and step aside from
any article where they have a financial or personal interest in the answer.

## Corrections

Every article has a link to suggest a correction. Corrections go through the same review as a
new article before the page changes.

See also the [Medical Advisory Board](board.md) and [about this site](about.md).
"""
