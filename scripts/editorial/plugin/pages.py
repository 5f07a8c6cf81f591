"""Generated site pages: the Medical Advisory Board, the editorial policy, the home listing.

The board page is written from content/people.yml and the policy page from the plugin's
options (the same values the checks use), so neither can disagree with the pipeline. They
are added as virtual files in on_files; the registry itself is never published.
"""
from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from ..model import Article, Person, Policy, Registry

# Pages the plugin generates, by their URL in the built site. The audit treats them
# as known site pages (besides the Markdown pages in content/ outside articles/).
GENERATED_PAGES = {
    "board/": "The Medical Advisory Board (from content/people.yml)",
    "editorial-policy/": "How articles are reviewed (numbers from the plugin's options)",
}
SOURCES = {"board/": "board.md", "editorial-policy/": "editorial-policy.md"}


def add(build, files, config):
    from . import render  # the corpus and policy the gate loaded

    found = render.corpus(build, config)
    policy = render.policy(build, config)
    contents = {
        "board.md": board_markdown(found.registry, found.context.today),
        "editorial-policy.md": policy_markdown(policy, found.context.retractions),
    }
    for src_uri, content in contents.items():
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(f"{config.docs_dir}/{src_uri} clashes with the page the editorial plugin generates at the same "
                              f"URL; rename or remove {config.docs_dir}/{src_uri}")
        files.append(File.generated(config, src_uri, content=content))
    return files


# -- names -----------------------------------------------------------------------------

def specialty_name(slug: str) -> str:
    """`infectious-disease` -> `Infectious disease`."""
    return slug.replace("-", " ").replace("_", " ").strip().capitalize() or "General"


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
    lines = [f'<div class="editorial-member{" editorial-member--former" if former else ""}" markdown>', "",
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

def policy_markdown(policy: Policy, snapshot=None) -> str:
    """The policy page; `snapshot` is the policy's Retraction Watch index (retractions.Index) when it names one."""
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

## Retracted sources

{_retractions_text(snapshot)}

## Corrections

Every article has a link to suggest a correction. Corrections go through the same review as a
new article before the page changes.

See also the [Medical Advisory Board](board.md) and [about this site](about.md).
"""


def _retractions_text(snapshot) -> str:
    if snapshot is None:
        return ("Reviewers check that the sources an article cites have not been retracted. This site does not yet check them "
                "automatically against a retraction database.")
    return (f"Every source an article cites is checked, by its DOI and PubMed id, against the Retraction Watch database "
            f"published by Crossref, in the snapshot of <span class=\"editorial-policy-value\" id=\"policy-retractions-date\">"
            f"{_e(snapshot.latest or 'unknown date')}</span>. An article that cites a retracted "
            "paper cannot be approved. When a source of a published article is retracted later, or an expression of concern "
            "is published about it, the article's page says so and the board reviews the answer; if the board keeps the "
            "source on purpose, the page says that instead.")
