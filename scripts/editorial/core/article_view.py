"""What an article page shows, as one value for the template. Pure: values in, a value out.

The plugin (plugin/articles.py) hands in the article, the context it was judged in and its
rendered References entries; overrides/partials/editorial-article.html shows the result.
Every string here is plain text (the template escapes it), except `references_html`, `changes`
and `jsonld`, which are made safe here (the References list through the sanitiser, rendered or from
the cache; JSON with `<` escaped), and `changes`, every word of which redline.as_html escapes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from . import citations, disclaimer, jsonld, retractions, review_history, sanitize
from .model import Article, Context, Person, Record, Site
from .review_history import ApprovedVersion
from .vocabulary import AUDIENCE_LABELS, Audience, Status

STEPS = ((Status.SUBMITTED, "Submitted"), (Status.UNDER_REVIEW, "Under review"), (Status.APPROVED, "Approved"))


@dataclass
class Step:
    label: str
    state: str  # done | current | todo


@dataclass(frozen=True)
class Day:
    iso: str  # machine-readable, for <time datetime>
    text: str  # what a reader sees: 9 June 2026

    @classmethod
    def of(cls, iso: str) -> Day:
        try:
            d = dt.date.fromisoformat(iso)
        except ValueError:
            return cls(iso, iso)
        return cls(iso, f"{d.day} {d.strftime('%B')} {d.year}")

    def __bool__(self) -> bool:
        return bool(self.iso)


@dataclass(frozen=True)
class Signature:
    """One approval of a version, as its record signs it: the name and credentials as they were
    that day (today's registry for an older record that has none), what it attests, when."""

    id: str  # the board member's id: their entry on the board page
    name: str
    credentials: str
    meaning: str  # "" for an older record
    at: str  # "2 June 2024, 01:30 UTC"; "" when the record has no time
    review_url: str  # the review in the publisher's repository ("" when unknown or elsewhere)


@dataclass(frozen=True)
class Version:
    """One entry of the review history as the page shows it."""

    day: Day
    reviewers: list[Person]
    current: bool
    content_changed: bool
    source_url: str  # the approved text in the publisher's repository ("" when unknown)
    signatures: tuple[Signature, ...] = ()


@dataclass
class ArticleView:
    """Everything partials/editorial-article.html shows."""

    title: str
    title_tag: str  # the <title>: at most TITLE_MAX characters
    description: str
    patient_summary: str
    for_patients: bool
    audience: list[str]  # "Healthcare professionals", "Patients and caregivers"
    steps: list[Step]
    status: str
    preview: bool
    reviewers: list[Person]
    authors: list[Person]
    conflicts: str
    updated: Day  # the page's dates, shown and in its metadata: review_history.Dates
    published: Day
    last_reviewed: Day
    next_review: Day
    overdue: bool
    specialties: list[str]
    history: list[Version]  # newest first; the first is the version on the page
    references_html: str
    suggest_url: str
    url: str  # canonical address ("" without site_url)
    site_name: str
    jsonld: str
    disclaimer_title: str = disclaimer.TITLE
    disclaimer_clinician: str = disclaimer.CLINICIAN
    disclaimer_patient: str = disclaimer.PATIENT
    retractions: list[retractions.PageNotice] = field(default_factory=list)  # partials/editorial-retraction.html
    # a preview of a revision: its changes since the last approved version, as HTML escaped by
    # redline.as_html (partials/editorial-changes.html); "" otherwise
    changes: str = ""


TITLE_MAX = 70  # characters of <title> that search engines show


def view(
    article: Article,
    ctx: Context,
    entries: list[citations.Entry],
    *,
    status: str,
    preview: bool,
    url: str,
    site: Site,
    history: list[ApprovedVersion] | None = None,
    order: list[str] | None = None,
    citing: dict[str, list[str]] | None = None,
) -> ArticleView:
    """The page of `article`: `status` is the step the stepper shows, `entries` its References,
    `url` its canonical address ("" when unknown), `history` its approved versions oldest first
    (None: the approval now only), `order` the reference keys in citation order (for the
    numbers retraction notices give), `citing` where the body cites each reference (its ids,
    `citations.Filled.citing`: each entry of the References list links back to them)."""
    fields = article.fields
    refs_by_key = {str(r.get("id")): r for r in article.references}
    current = review_history.approval(article, ctx)
    if history is None:
        history = [current] if current else []
    reviewers = _people(ctx, current.reviewers if current else ())
    authors = _people(ctx, article.authors)
    dates = review_history.dates(history, current)
    next_review = fields.next_review
    audience = [a for a in fields.audience if a in AUDIENCE_LABELS]
    data = jsonld.medical_web_page(
        article,
        url=url,
        site=site,
        authors=authors,
        reviewers=reviewers,
        dates=dates,
        ordered_refs=[refs_by_key[e.key] for e in entries if e.key in refs_by_key],
    )
    return ArticleView(
        title=article.title,
        title_tag=title_tag(article, site.name),
        description=fields.description,
        patient_summary=fields.patient_summary if Audience.PATIENT in audience else "",
        for_patients=Audience.PATIENT in audience,
        audience=[AUDIENCE_LABELS[Audience(a)] for a in audience],
        steps=stepper(status),
        status=status,
        preview=preview,
        reviewers=reviewers,
        authors=authors,
        conflicts=fields.conflicts or "none",
        updated=Day.of(dates.updated),
        published=Day.of(dates.published),
        last_reviewed=Day.of(dates.reviewed),
        next_review=Day.of(next_review),
        overdue=bool(next_review) and next_review < ctx.today,
        specialties=[specialty_name(s) for s in fields.specialties],
        history=_history(history, current, ctx, site.repo_url),
        references_html=citations.backlinks(  # sanitised (cached entries too), then the ways back put in
            sanitize.article_html(citations.references_html(entries, marked=True)), entries, citing or {}
        ),
        suggest_url=suggest_url(site.repo_url, article, url),
        url=url,
        site_name=site.name,
        jsonld=jsonld.script_text(data),
        retractions=retractions.page_notices(
            list(article.references), ctx.retractions, order or [e.key for e in entries]
        ),
    )


def title_tag(article: Article, site_name: str) -> str:
    """The page's <title>: the short `seo_title` or the question, with the site's name when it
    fits in TITLE_MAX characters; a question longer than that is cut at a word, with an ellipsis."""
    seo = article.fields.seo_title
    title = " ".join((seo if seo.strip() else article.title).split())
    with_site = f"{title} - {site_name}" if site_name else title
    if len(with_site) <= TITLE_MAX:
        return with_site
    if len(title) <= TITLE_MAX:
        return title
    cut = title[: TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return cut + "\u2026"


def _people(ctx: Context, ids: Iterable[str]) -> list[Person]:
    return [p for p in (ctx.registry.get(i) for i in ids) if p is not None]


def _history(
    history: list[ApprovedVersion], current: ApprovedVersion | None, ctx: Context, repo_url: str
) -> list[Version]:
    repo = repo_url.strip().rstrip("/")
    shown = []
    for i, version in enumerate(history):
        is_current = (
            i == len(history) - 1
            and current is not None
            and (version.digest, version.date) == (current.digest, current.date)
        )
        source = (
            f"{repo}/blob/{quote(version.commit)}/{quote(version.path)}"
            if repo.startswith("https://") and version.commit and version.path and not is_current
            else ""
        )
        shown.append(
            Version(
                Day.of(version.date),
                _people(ctx, version.reviewers),
                is_current,
                version.content_changed,
                source,
                tuple(_signature(record, ctx, repo) for record in version.signed),
            )
        )
    return shown[::-1]


def _signature(record: Record, ctx: Context, repo: str) -> Signature:
    person = ctx.registry.get(record.reviewer)
    if record.name:
        name, credentials = record.name, record.credentials
    else:
        name, credentials = (person.name, person.credentials) if person else (record.reviewer, "")
    review = record.review if repo.startswith("https://") and record.review.startswith(repo + "/") else ""
    return Signature(record.reviewer, name, credentials, record.meaning, moment_text(record.at), review)


def moment_text(at: str) -> str:
    """`2024-06-02T01:30:00Z` -> `2 June 2024, 01:30 UTC` ("" for anything else)."""
    try:
        moment = dt.datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return ""
    return f"{Day.of(moment.date().isoformat()).text}, {moment:%H:%M} UTC"


specialty_name = jsonld.specialty_label  # `infectious-disease` -> `Infectious disease`


def review_step(article: Article, gate_status: str | None, approved: bool) -> str:
    """The step a preview shows: the gate's status when it is a workflow step, else the
    article's own; an article that says approved but that the gate withholds (its approval
    no longer holds) is shown as under review, never as approved."""
    keys = [k for k, _ in STEPS]
    status = gate_status if gate_status in keys else article.status
    if status == Status.APPROVED and not approved:
        return Status.UNDER_REVIEW
    return status if status in keys else Status.SUBMITTED


def stepper(status: str) -> list[Step]:
    keys: list[str] = [k for k, _ in STEPS]
    current = keys.index(status) if status in keys else 0
    return [
        Step(label, "done" if i < current else "current" if i == current else "todo")
        for i, (_, label) in enumerate(STEPS)
    ]


def suggest_url(repo_url: str, article: Article, where: str) -> str:
    """A prefilled new issue in the publisher's repository; empty when there is none."""
    repo = repo_url.strip().rstrip("/")
    if not repo.startswith(("https://", "http://")):
        return ""
    body = (
        f"Article: {article.title}\nPage: {where or article.path}\nArticle id: {article.id}\n\n"
        "What is wrong or out of date:\n\n\nThe source that shows it (DOI, PubMed id or guideline):\n"
    )
    return f"{repo}/issues/new?" + urlencode({"title": f"Correction: {article.title}", "body": body})
