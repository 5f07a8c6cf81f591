"""The pages the plugin writes: the Medical Advisory Board, the editorial policy, the specialty
pages, and the home page's listing.

The board page is written from content/people.yml and the policy page from the plugin's
options (the same values the checks use), so neither can disagree with the pipeline. They
are added as generated files in on_files (site_files.GENERATED_PAGES names them for the
audit too); the registry itself is never published. Every value is HTML-escaped here.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import escape
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..core import disclaimer, feed, jsonld, review_history, sanitize, site_files
from ..core.article_view import Day, specialty_name
from ..core.jsonld import person_anchor
from ..core.model import Article, Person, Policy, Problem, Registry
from ..core.retractions import Index
from ..core.vocabulary import AUDIENCE_LABELS, PREVIEW_CHANGED, Audience, Role
from .build import Build, fail

HOME = "index.md"
ABOUT = "about.md"
DISCLAIMER_SLOT = "<!-- editorial:disclaimer -->"


LISTING_SLOT = '<div class="editorial-listing-slot"></div>'  # where a listing goes, once Markdown is done
FEED_ENTRIES = 50  # approvals in the feed, the latest first
HOME_RECENT = 30  # articles on the home page, most recently reviewed first; the specialty pages list them all
# The generated pages' descriptions (their <meta name="description">, link previews and structured data).
BOARD_DESCRIPTION = (
    "The members of our Medical Advisory Board, who check every answer against its sources before it is published."
)
POLICY_DESCRIPTION = (
    "How an answer is written, reviewed and approved before it is published, and how it is kept up to date."
)


@dataclass(frozen=True)
class Listed:
    """A published article as the listings show it."""

    article: Article
    url: str  # the page's URL in the site, e.g. articles/x/
    reviewed: str  # ISO date of the approval that stands now
    specialties: tuple[str, ...]


class SitePages:
    """The generated pages, and what the plugin adds to the home and about pages."""

    def __init__(self, build: Build):
        self.build = build
        self.specialties = site_files.published_specialties(build.published.values())
        self._listed: list[Listed] | None = None
        self.files: Files | None = None  # the site's files, once on_files has chosen them

    def add(self, files: Files) -> Files:
        """The board, policy and specialty pages, as generated files (on_files)."""
        build = self.build
        pages = {
            "board/": ("board.md", board_markdown(build.corpus.registry, build.corpus.context.today)),
            "editorial-policy/": (
                "editorial-policy.md",
                policy_markdown(build.policy, build.corpus.context.retractions),
            ),
            "specialties/": ("specialties/index.md", specialties_markdown(self._counts())),
        }
        assert {url: src for url, (src, _) in pages.items()} == site_files.GENERATED_PAGES
        for slug in self.specialties:
            url, src_uri = site_files.specialty_page(slug)
            pages[url] = (src_uri, specialty_markdown(slug))
        for url, (src_uri, content) in pages.items():
            if files.get_file_from_path(src_uri) is not None:
                where = build.src_path(src_uri)
                fail(
                    "",
                    [
                        Problem(
                            where,
                            1,
                            1,
                            "E114",
                            f"{where} has the address of the page the editorial plugin generates "
                            f"({url}); rename it and update `site_pages` in mkdocs.yml",
                        )
                    ],
                )
            file = File.generated(build.config, src_uri, content=content)
            if src_uri not in site_files.GENERATED_PAGES.values():
                # reached from the specialties page and the articles' listings
                file.inclusion = InclusionLevel.NOT_IN_NAV
            files.append(file)
        return files

    def markdown(self, markdown: str, page: Page, files: Files) -> str:
        """The home page gets its listing's slot; the about page the disclaimer."""
        src = page.file.src_uri
        if src == HOME:
            return markdown.rstrip("\n") + "\n\n" + LISTING_SLOT + "\n"
        if src == ABOUT:
            return markdown.replace(DISCLAIMER_SLOT, disclaimer_markdown())
        return markdown

    def fill(self, page: Page) -> None:
        """Put the listing into the home page and the specialty pages (on_page_context: a listing of
        thousands is never run through Markdown). It passes the same sanitiser as every page's
        body; the search index skips these pages (each answer is found on its own page)."""
        src, content = page.file.src_uri, page.content
        if content is None or LISTING_SLOT not in content:
            return
        listed = self.listed()
        if src == HOME:
            html = home_listing(listed, self._counts(), page.url)
            if self.build.preview:  # what the preview was built for comes first
                html = self.changed_listing(page.url) + html
        elif src.startswith(site_files.SPECIALTIES_DIR) and src != site_files.GENERATED_PAGES["specialties/"]:
            slug = src[len(site_files.SPECIALTIES_DIR) :].removesuffix(".md")
            html = cards([item for item in listed if slug in item.specialties], page.url)
        else:
            return
        page.content = content.replace(LISTING_SLOT, sanitize.article_html(html, ours=True), 1)

    def changed_listing(self, here: str) -> str:
        """The articles the preview was built for (PREVIEW_CHANGED names them: the pull request's changed
        articles, or the one `editorial preview` serves), each with where it stands: the home
        page of a preview lists them first. Empty when none are named."""
        named = [path for path in dict.fromkeys(os.environ.get(PREVIEW_CHANGED, "").split()) if path.endswith(".md")]
        if not named:
            return ""
        build = self.build
        items = []
        for path in named:
            article = build.by_path.get(path)
            src_uri = path.removeprefix(build.docs + "/")
            file = self.files.get_file_from_path(src_uri) if self.files is not None else None
            if article is None or file is None:
                why = "deleted, or not an article this preview can show" if article is None else "not shown"
                reasons = build.withheld_reasons(src_uri) or []
                if article is not None and reasons:
                    why += f": {reasons[0].code} {reasons[0].message}"
                items.append(f"<li><code>{_e(path)}</code>: {_e(why)}</li>")
                continue
            reasons = build.withheld_reasons(src_uri) or []
            status = article.status.replace("_", " ") or "no status"
            state = "approved" if not reasons else f"not approved yet: {status}"
            link = _e(get_relative_url(file.url, here))
            items.append(f'<li><a href="{link}">{_e(article.title or path)}</a> ({_e(state)})</li>')
        return (
            '<h2 id="in-this-preview">In this preview</h2>'
            "<p>The articles this preview was built for (for a pull request: the articles it changes). A revised "
            "article's page can show its changes since the approved version.</p>"
            '<ul class="editorial-listing__changed">' + "".join(items) + "</ul>"
        )

    def add_context(self, context: dict[str, Any], page: Page) -> None:
        """`editorial_page_jsonld`: the structured data of a page that is no article (main.html
        writes it into the head). Only with site_url: its values are absolute addresses."""
        build, site = self.build, self.build.site
        src = page.file.src_uri
        if not site.url or build.article(src) is not None or not page.canonical_url:
            return
        description = html.unescape(str(page.meta.get("description") or build.config.site_description or ""))
        name = html.unescape(str(page.meta.get("title") or page.title or site.name))
        url = page.canonical_url
        if page.is_homepage:
            data = jsonld.home_page(site, description=description, image=site.absolute(site_files.SHARE_IMAGE))
        elif src == site_files.GENERATED_PAGES["board/"]:
            current, former = board_members(build.corpus.registry, build.corpus.context.today)
            data = jsonld.board_page(site, url=url, name=name, description=description, members=current, former=former)
        else:
            kind = (
                "AboutPage"
                if src == ABOUT
                else "CollectionPage"
                if src.startswith(site_files.SPECIALTIES_DIR)
                else "WebPage"
            )
            data = jsonld.web_page(site, kind=kind, url=url, name=name, description=description)
        context["editorial_page_jsonld"] = jsonld.script_text(data)

    def listed(self) -> list[Listed]:
        """Every published article once, most recently reviewed first (then by title)."""
        if self._listed is None:
            build = self.build
            found = []
            for src_uri, article in build.published.items():
                file = self.files.get_file_from_path(src_uri) if self.files is not None else None
                url = file.url if file is not None else site_files.page_url(src_uri)
                specialties = tuple(dict.fromkeys(article.fields.specialties))
                found.append(Listed(article, url, build.last_reviewed(article), specialties))
            found.sort(key=lambda item: (item.article.title.casefold(), item.url))
            found.sort(key=lambda item: item.reviewed, reverse=True)
            self._listed = found
        return self._listed

    def write_feed(self, site_dir: str) -> None:
        """The Atom feed of the FEED_ENTRIES latest approvals (on_post_build, before the audit,
        which reads it like every file of the site). Only with site_url: entries need addresses."""
        build = self.build
        if not build.site.url or build.preview:
            return
        entries = []
        for item in self.listed()[:FEED_ENTRIES]:
            history = build.history(item.article)
            kind = feed.NEW if len(history) <= 1 else feed.REVISED if history[-1].content_changed else feed.REREVIEWED
            people = build.corpus.registry
            entries.append(
                feed.Entry(
                    item.article.title,
                    build.site.absolute(item.url),
                    " ".join(item.article.fields.description.split()),
                    item.reviewed,
                    review_history.first_approval(history) or item.reviewed,
                    kind,
                    tuple(p.display for p in (people.get(i) for i in (history[-1].reviewers if history else ())) if p),
                    tuple(p.display for p in (people.get(i) for i in item.article.authors) if p),
                )
            )
        data = feed.atom(build.site, entries, feed_url=build.site.absolute(site_files.FEED))
        try:
            with open(os.path.join(site_dir, site_files.FEED), "wb") as out:
                out.write(data)
        except OSError as exc:
            fail(
                "",
                [
                    Problem(
                        site_files.FEED,
                        1,
                        1,
                        "E966",
                        f"the build could not write the feed ({exc.strerror or exc}); "
                        "free disk space or make the folder writable and build again",
                    )
                ],
            )

    def _counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self.specialties, 0)
        for article in self.build.published.values():
            for slug in dict.fromkeys(article.fields.specialties):
                if slug in counts:
                    counts[slug] += 1
        return counts


def disclaimer_markdown() -> str:
    return (
        '<div class="editorial-disclaimer-text" markdown>\n\n**For healthcare professionals.** '
        f"{escape(disclaimer.CLINICIAN)}\n\n"
        f"**For patients and caregivers.** {escape(disclaimer.PATIENT)}\n\n</div>"
    )


# -- names -----------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!])")  # what Python-Markdown lets a backslash escape


def _md(text: object) -> str:
    """A registry value in generated Markdown: every character Markdown reads (a link, emphasis,
    attr_list's `{: .class }`) escaped, then HTML-escaped. The page keeps the plugin's classes,
    so a value must never add one."""
    return _e(_MARKDOWN_PUNCTUATION.sub(r"\\\1", str(text)))


# -- the home page and the specialty pages ------------------------------------------


def home_listing(listed: list[Listed], counts: dict[str, int], here: str) -> str:
    """The home page's listing: the specialties to browse, then the most recently reviewed answers."""
    if not listed:
        return '<p class="editorial-listing-empty">No reviewed articles are published yet.</p>'
    out = [
        '<h2 id="browse-by-specialty">Browse by specialty</h2>',
        specialty_links(counts, here),
        '<h2 id="recently-reviewed">Recently reviewed</h2>',
        cards(listed[:HOME_RECENT], here),
    ]
    if len(listed) > HOME_RECENT:
        out.append(
            f"<p>All {len(listed):,} answers are listed by specialty: "
            f'<a href="{_e(get_relative_url(site_files.SPECIALTIES_DIR, here))}">browse by specialty</a>.</p>'
        )
    return "\n".join(out)


def specialty_links(counts: dict[str, int], here: str) -> str:
    items = []
    for slug in sorted(counts, key=specialty_name):
        url = get_relative_url(site_files.specialty_page(slug)[0], here)
        n = counts[slug]
        items.append(f'<li><a href="{_e(url)}">{_e(specialty_name(slug))}</a> ({n} answer{"s" if n != 1 else ""})</li>')
    return '<ul class="editorial-specialties">' + "".join(items) + "</ul>"


def cards(listed: Iterable[Listed], here: str) -> str:
    """One entry per article: its question, short answer, who it is for, when it was last
    reviewed and its specialties (each a link to that specialty's page). `here` is the URL of
    the page the list is on; every value is escaped. Linear in the number of articles."""
    out = ['<ul class="editorial-listing__articles">']
    for item in listed:
        article = item.article
        audience = [AUDIENCE_LABELS[Audience(a)].lower() for a in article.fields.audience if a in AUDIENCE_LABELS]
        day = Day.of(item.reviewed)
        specialties = ", ".join(
            f'<a href="{_e(get_relative_url(site_files.specialty_page(s)[0], here))}">{_e(specialty_name(s))}</a>'
            for s in item.specialties
        )
        description = article.fields.description
        out.append(
            '<li class="editorial-listing__item">'
            '<p class="editorial-listing__title"><a '
            f'href="{_e(get_relative_url(item.url, here))}">{_e(article.title)}</a></p>'
            + (f'<p class="editorial-listing__answer">{_e(" ".join(description.split()))}</p>' if description else "")
            + '<p class="editorial-listing__meta">'
            + (f"For {_e(' and '.join(audience))}. " if audience else "")
            + (f'Last reviewed <time datetime="{_e(day.iso)}">{_e(day.text)}</time>. ' if day else "")
            + (f"Specialties: {specialties}." if specialties else "")
            + "</p></li>"
        )
    out.append("</ul>")
    return "".join(out)


def specialties_markdown(counts: dict[str, int]) -> str:
    """The page that lists every specialty with published answers (its links are made relative
    to specialties/ here, as MkDocs leaves raw HTML alone)."""
    body = (
        specialty_links(counts, site_files.SPECIALTIES_DIR)
        if counts
        else "<p>No reviewed articles are published yet.</p>"
    )
    return (
        "---\ntitle: Browse by specialty\n"
        "description: Every medical specialty with answers reviewed by our Medical Advisory Board.\n"
        "---\n\n# Browse by specialty\n\n"
        "Every answer on this site belongs to one or more medical specialties. Each page below lists its answers, "
        "the most recently reviewed first.\n\n" + body + "\n"
    )


def specialty_markdown(slug: str) -> str:
    name = specialty_name(slug)
    return (
        f"---\ntitle: {json.dumps(name)}\n"
        f"description: {json.dumps(f'Answers in {name.lower()} reviewed by our Medical Advisory Board.')}\n"
        f"---\n\n# {_md(name)}\n\n"
        f"Answers in {_md(name.lower())} approved by our Medical Advisory Board, the most recently reviewed first.\n\n"
        + LISTING_SLOT
        + "\n"
    )


# -- the board -------------------------------------------------------------------------


def board_members(registry: Registry, today: str) -> tuple[list[Person], list[Person]]:
    """The board's current members and its former ones, each by name."""
    board = [p for p in registry.people.values() if p.is_board]
    current = sorted((p for p in board if p.active_on(today)), key=lambda p: p.name)
    former = sorted((p for p in board if p.until and p.until < today), key=lambda p: p.name)
    return current, former


def board_markdown(registry: Registry, today: str) -> str:
    current, former = board_members(registry, today)
    out = [
        "---",
        "title: Medical Advisory Board",
        f"description: {BOARD_DESCRIPTION}",
        "---",
        "",
        "# Medical Advisory Board",
        "",
        "Every article on this site is checked by members of the board before it is published.",
        "Members review an article against the sources it cites and never approve an article",
        "they wrote. See [how articles are reviewed](editorial-policy.md).",
        "",
        "## Current members",
        "",
    ]
    out.extend(_member(p) for p in current)
    if not current:
        out.append("The board has no current members.\n")
    if former:
        out += ["## Former members", "", "Their past reviews still stand for the content they approved.", ""]
        out.extend(_member(p, former=True) for p in former)
    writers = sorted(
        (
            p
            for p in registry.people.values()
            if not p.is_board and p.active_on(today) and {Role.WRITER, Role.EDITOR} & set(p.roles)
        ),
        key=lambda p: p.name,
    )
    if writers:
        out += [
            "## Medical writers and editors",
            "",
            "They draft the answers and keep them up to date; the board reviews every one of them.",
            "",
        ]
        out.extend(_member(p) for p in writers)
    return "\n".join(out) + "\n"


def _member(person: Person, former: bool = False) -> str:
    # Names, credentials and specialties only: GitHub logins are never published.
    lines = [
        f'<div class="editorial-member{" editorial-member--former" if former else ""}" '
        f'id="{_e(person_anchor(person.id))}" markdown>',
        "",
        f"### {_md(person.display)}",
        "",
    ]
    if former:
        lines += [
            f'<p class="editorial-member__former">Former member (served {_e(person.since or "?")} to '
            f"{_e(person.until)})</p>",
            "",
        ]
    if person.specialties:
        lines += [
            f"<p><strong>Specialties:</strong> {_e(', '.join(specialty_name(s) for s in person.specialties))}</p>",
            "",
        ]
    if person.bio:
        lines += [f"<p>{_e(person.bio)}</p>", ""]
    lines += ["</div>", ""]
    return "\n".join(lines)


# -- the editorial policy ----------------------------------------------------------------


def policy_markdown(policy: Policy, snapshot: Index | None = None) -> str:
    """The policy page; `snapshot` is the policy's Retraction Watch index when it names one."""
    n = policy.min_approvals
    approvals = (
        "one member of the Medical Advisory Board" if n == 1 else f"{n} different members of the Medical Advisory Board"
    )
    specialty = (
        "At least one of the approving members must share a specialty with the article."
        if policy.specialty_match
        else "Approving members need not share the article's specialty; they judge whether the answer is faithful to "
        "its sources."
    )
    return f"""---
title: Editorial policy
description: {POLICY_DESCRIPTION}
---

# Editorial policy {{ #policy }}

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

## Retracted sources

{_retractions_text(snapshot)}

## Corrections

Every article has a link to suggest a correction. Corrections go through the same review as a
new article before the page changes.

See also the [Medical Advisory Board](board.md) and [about this site](about.md).
"""


def _retractions_text(snapshot: Index | None) -> str:
    if snapshot is None:
        return (
            "Reviewers check that the sources an article cites have not been retracted. This site does not yet check "
            "them "
            "automatically against a retraction database."
        )
    return (
        f"Every source an article cites is checked, by its DOI and PubMed id, against the Retraction Watch database "
        f'published by Crossref, in the snapshot of <span class="editorial-policy-value" id="policy-retractions-date">'
        f"{_e(snapshot.latest or 'unknown date')}</span>. An article that cites a retracted "
        "paper cannot be approved. When a source of a published article is retracted later, or an expression of "
        "concern "
        "is published about it, the article's page says so and the board reviews the answer; if the board keeps the "
        "source on purpose, the page says that instead."
    )
